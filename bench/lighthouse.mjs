// Runs Lighthouse with its mobile defaults (simulated slow 4G, 4x CPU slowdown, phone screen) on
// each page and prints its scores; the budget is performance >= 95 and accessibility 100.
// Usage: BASE_URL=http://127.0.0.1:3291 node lighthouse.mjs / /policies ...
// Full reports go to bench/out/lighthouse/, to see which audits lost points.
import { mkdir, writeFile } from 'node:fs/promises';
import * as chromeLauncher from 'chrome-launcher';
import lighthouse from 'lighthouse';

const base = process.env.BASE_URL;
const paths = process.argv.slice(2);
if (!base || paths.length === 0) {
  console.error('usage: BASE_URL=http://host:port node lighthouse.mjs PATH...');
  process.exit(2);
}

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

const categories = ['performance', 'accessibility', 'best-practices'];
const outDir = new URL('./out/lighthouse/', import.meta.url);
await mkdir(outDir, { recursive: true });

let failed = false;
try {
  for (const path of paths) {
    const result = await lighthouse(new URL(path, base).href, {
      port: chrome.port,
      output: 'json',
      logLevel: 'error',
      onlyCategories: categories,
    });
    const lhr = result?.lhr;
    const name = path.replace(/[^\w-]+/g, '_').replace(/^_|_$/g, '') || 'home';
    if (result) await writeFile(new URL(`${name}.json`, outDir), result.report);
    // A page that did not load still gets a report, with scores that mean nothing.
    if (!lhr || lhr.runtimeError) {
      console.error(`lighthouse ${path}: failed: ${lhr?.runtimeError?.message ?? 'no result'}`);
      failed = true;
      continue;
    }
    const scores = categories.map((id) => {
      const score = lhr.categories[id]?.score;
      if (score == null) failed = true;
      return `${id} ${score == null ? 'n/a' : Math.round(score * 100)}`;
    });
    console.log(`lighthouse ${path}: ${scores.join(', ')}`);
  }
} finally {
  await chrome.kill();
}
process.exit(failed ? 1 : 0);
