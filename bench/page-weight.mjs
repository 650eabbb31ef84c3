// Loads each page in Chromium as a phone would and adds up the JS and WASM it fetched, as
// transferred with brotli. Usage: node page-weight.mjs BASE_URL PATH...
import http from 'node:http';
import { createRequire } from 'node:module';

// Playwright is installed once, for the browser tests, in end2end/.
const require = createRequire(new URL('../end2end/package.json', import.meta.url));
const { chromium } = require('@playwright/test');

const [base, ...paths] = process.argv.slice(2);

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
  await page.goto(base + path, { waitUntil: 'networkidle' });
  let total = 0;
  const files = [];
  for (const url of urls) {
    const { bytes, encoding } = await brotliBytes(url);
    total += bytes;
    files.push(`${new URL(url).pathname} ${bytes} B (${encoding})`);
  }
  rows.push({ path, kib: total / 1024, files });
  await page.close();
}
await browser.close();
for (const row of rows) {
  console.log(`page-weight ${row.path.padEnd(16)} ${row.kib.toFixed(1).padStart(7)} KiB JS+WASM (brotli)`);
  for (const file of row.files) console.log(`    ${file}`);
}
