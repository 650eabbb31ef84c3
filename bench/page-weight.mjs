// Loads each page in Chromium as a phone would and adds up the JS and WASM it fetched, as
// transferred with brotli, then checks each page against its budget (bench/budgets.env): the
// self-check and the application pages, and the home, handbook and tracking pages. Prints every
// page before it exits 1 when one missed. Usage: node page-weight.mjs BASE_URL PATH...
import http from 'node:http';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Budgets, readBudgets } from './budgets.mjs';

/** The budget of a page (KiB), or null for a page ARCHITECTURE.md gives none (the staff pages). */
export function budgetOf(path, budgets) {
  const under = (prefix) => path === prefix || path.startsWith(`${prefix}/`);
  if (under('/check') || under('/apply')) return budgets.PAGE_WEIGHT_FORM_KIB;
  if (under('/outreach')) return budgets.PAGE_WEIGHT_OUTREACH_KIB;
  // Home, the handbook (policies, and the urgent-help page of its life situations) and tracking.
  if (path === '/' || under('/policies') || under('/help') || under('/track')) return budgets.PAGE_WEIGHT_READING_KIB;
  return null;
}

/** Prints a page's figure, judged against its budget if it has one. */
export function report(tally, budgets, { path, kib }) {
  const figure = { name: `page weight ${path}`, value: kib, shown: kib?.toFixed(1), unit: 'KiB' };
  const budget = budgetOf(path, budgets);
  if (budget === null) tally.none(figure);
  else tally.check({ ...figure, budget, direction: 'at-most' });
}

function brotliBytes(url) {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers: { 'accept-encoding': 'br' } }, (response) => {
        let bytes = 0;
        response.on('data', (chunk) => { bytes += chunk.length; });
        response.on('end', () => resolve({ bytes, encoding: response.headers['content-encoding'] || 'identity' }));
      })
      .on('error', reject);
  });
}

async function main() {
  const [base, ...paths] = process.argv.slice(2);
  if (!base || paths.length === 0) {
    console.error('usage: node page-weight.mjs BASE_URL PATH...');
    process.exit(2);
  }
  const budgets = readBudgets();
  // Playwright is installed once, for the browser tests, in end2end/.
  const require = createRequire(new URL('../end2end/package.json', import.meta.url));
  const { chromium } = require('@playwright/test');
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  const context = await browser.newContext({ viewport: { width: 360, height: 740 }, isMobile: true });
  const rows = [];
  for (const path of paths) {
    const page = await context.newPage();
    const urls = new Set();
    page.on('request', (request) => {
      const type = request.resourceType();
      if (type === 'script' || request.url().endsWith('.wasm')) urls.add(request.url());
    });
    try {
      await page.goto(base + path, { waitUntil: 'networkidle' });
      let total = 0;
      const files = [];
      for (const url of urls) {
        const { bytes, encoding } = await brotliBytes(url);
        total += bytes;
        files.push(`${new URL(url).pathname} ${bytes} B (${encoding})`);
      }
      rows.push({ path, kib: total / 1024, files });
    } catch (e) {
      // Not measured: the page misses its budget, and the other pages are still measured.
      rows.push({ path, kib: null, files: [`failed: ${e.message.split('\n')[0]}`] });
    }
    await page.close();
  }
  await browser.close();
  const tally = new Budgets();
  for (const row of rows) {
    report(tally, budgets, row);
    for (const file of row.files) console.log(`    ${file}`);
  }
  process.exit(tally.missed === 0 ? 0 : 1);
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) await main();
