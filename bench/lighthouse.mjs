// Runs Lighthouse with its mobile defaults (simulated slow 4G, 4x CPU slowdown, phone screen) on
// each page and checks its scores against the budgets (bench/budgets.env): performance and
// accessibility on every resident page. Prints every page before it exits 1 when one missed.
// Usage: BASE_URL=http://127.0.0.1:3291 node lighthouse.mjs / /policies ...
// Full reports go to bench/out/lighthouse/, to see which audits lost points.
import { mkdir, writeFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import { Budgets, readBudgets } from './budgets.mjs';

const categories = ['performance', 'accessibility', 'best-practices'];

/** The minimum score of each category on a page; none for staff pages, which are not residents'. */
export function budgetsOf(path, budgets) {
  if (path === '/staff' || path.startsWith('/staff/')) return {};
  return {
    performance: path === '/outreach' ? budgets.LIGHTHOUSE_OUTREACH_PERFORMANCE_MIN : budgets.LIGHTHOUSE_PERFORMANCE_MIN,
    accessibility: budgets.LIGHTHOUSE_ACCESSIBILITY_MIN,
  };
}

/** Prints a page's scores (0–100) from its Lighthouse result; a page that did not load has none. */
export function report(tally, budgets, path, lhr) {
  const minimums = budgetsOf(path, budgets);
  // A page that did not load still gets a report, with scores that mean nothing.
  const loaded = lhr && !lhr.runtimeError;
  if (!loaded) console.error(`lighthouse ${path}: failed: ${lhr?.runtimeError?.message ?? 'no result'}`);
  for (const id of categories) {
    const score = loaded ? lhr.categories[id]?.score : null;
    const value = score == null ? null : Math.round(score * 100);
    const name = `lighthouse ${path} ${id}`;
    if (id in minimums) tally.check({ name, value, budget: minimums[id], direction: 'at-least' });
    else tally.none({ name, value, shown: value ?? 'not measured' });
  }
}

async function main() {
  const base = process.env.BASE_URL;
  const paths = process.argv.slice(2);
  if (!base || paths.length === 0) {
    console.error('usage: BASE_URL=http://host:port node lighthouse.mjs PATH...');
    process.exit(2);
  }
  const budgets = readBudgets();
  const chromeLauncher = await import('chrome-launcher');
  const { default: lighthouse } = await import('lighthouse');

  // Debian's Chromium: test tools cannot download a browser on these machines.
  process.env.CHROME_PATH ||= '/usr/bin/chromium';
  const chrome = await chromeLauncher.launch({
    chromeFlags: [
      '--headless=new',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });

  const outDir = new URL('./out/lighthouse/', import.meta.url);
  await mkdir(outDir, { recursive: true });

  const tally = new Budgets();
  try {
    for (const path of paths) {
      let result = null;
      try {
        result = await lighthouse(new URL(path, base).href, {
          port: chrome.port,
          output: 'json',
          logLevel: 'error',
          onlyCategories: categories,
        });
      } catch (e) {
        console.error(`lighthouse ${path}: ${e.message}`);
      }
      const name = path.replace(/[^\w-]+/g, '_').replace(/^_|_$/g, '') || 'home';
      if (result) await writeFile(new URL(`${name}.json`, outDir), result.report);
      report(tally, budgets, path, result?.lhr);
    }
  } finally {
    await chrome.kill();
  }
  process.exit(tally.missed === 0 ? 0 : 1);
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) await main();
