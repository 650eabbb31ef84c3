import { test, expect } from './support.js';

test('a phone with the network cut after one visit still opens the handbook', async ({ page, javaScriptEnabled }) => {
  test.skip(!javaScriptEnabled, 'pages are kept for offline use by a service worker, which needs JS');
  // Waits for the page's scripts and WASM too: online, that is when the worker has kept them;
  // offline, leaving earlier would abort their loading from the cache and count as an error.
  const open = (path) => page.goto(path, { waitUntil: 'networkidle' });

  await open('/policies');
  await page.evaluate(() => navigator.serviceWorker.ready.then(() => true));
  // The worker claims open pages itself, but a reload makes sure this one is controlled.
  await page.reload({ waitUntil: 'networkidle' });
  expect(await page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);
  await open('/policies/dibao');
  await open('/policies/tekun-support');

  await page.context().setOffline(true);

  await open('/policies');
  await expect(page.getByRole('heading', { level: 1, name: '政策手册' })).toBeVisible();
  await expect(page.locator('.policy-item')).toHaveCount(38);

  await open('/policies/dibao');
  await expect(page.getByRole('heading', { level: 1, name: '最低生活保障（低保）' })).toBeVisible();
  await expect(page.getByRole('heading', { name: '要准备的材料' })).toBeVisible();
  await expect(page.getByText('户口簿')).toBeVisible();

  await open('/policies/tekun-support');
  await expect(page.getByRole('heading', { level: 1, name: '特困人员救助供养' })).toBeVisible();

  // Kept when the worker was installed, though never opened.
  await open('/help/urgent');
  await expect(page.getByRole('heading', { level: 1, name: '急需帮助' })).toBeVisible();

  // A policy never opened online, or a new search, leads to the whole list rather than an error.
  await open('/policies/medical-assistance');
  await expect(page.getByRole('heading', { level: 1, name: '政策手册' })).toBeVisible();
  await open('/policies?q=低保');
  await expect(page.locator('.policy-item')).toHaveCount(38);
});
