import { test, expect, visit, expectAccessible } from './support.js';

test('the home page offers the five ways in, in Chinese first', async ({ page }) => {
  await visit(page, '/');
  await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
  await expect(page.getByRole('heading', { level: 1 })).toContainText('济时救');
  const actions = page.locator('.actions a');
  await expect(actions).toHaveCount(5);
  await expect(page.getByRole('link', { name: /看政策/ })).toHaveAttribute('href', '/policies');
  await expect(page.getByRole('link', { name: /测一测能领什么/ })).toHaveAttribute('href', '/check');
  await expect(page.getByRole('link', { name: /申请救助/ })).toHaveAttribute('href', '/apply');
  await expect(page.getByRole('link', { name: /查办理进度/ })).toHaveAttribute('href', '/track');
  await expect(page.locator('.actions').getByRole('link', { name: /急需帮助/ })).toHaveAttribute('href', '/help/urgent');
});

test('urgent help is one tap from home and has numbers to call', async ({ page }) => {
  await visit(page, '/');
  await page.locator('.urgent-banner a').click();
  await expect(page).toHaveURL(/\/help\/urgent$/);
  await expectAccessible(page);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('急需帮助');
  await expect(page.locator('a[href="tel:120"]')).toBeVisible();
  await expect(page.locator('a[href="tel:12345"]')).toBeVisible();
  await expect(page.getByText('2 小时内先给予救助')).toBeVisible();
});

test('a visitor can switch to English and it is remembered', async ({ page }) => {
  await visit(page, '/');
  await page.getByRole('button', { name: /English/ }).click();
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Ji Shi Jiu');
  await expectAccessible(page);
  await page.goto('/help/urgent');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Urgent help');
  await page.getByRole('button', { name: /中文/ }).click();
  await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
});

test('large text and high contrast switch on and stay on', async ({ page, javaScriptEnabled }) => {
  await visit(page, '/');
  const html = page.locator('html');
  const rootFontSize = () => html.evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
  expect(await rootFontSize()).toBeGreaterThanOrEqual(18);
  if (javaScriptEnabled) {
    // With WASM the page changes in place: no reload, so this marker survives.
    await page.evaluate(() => { window.__stayedOnPage = true; });
  }
  await page.getByRole('button', { name: '大字' }).click();
  await expect(html).toHaveClass(/large-text/);
  await expect(page.getByRole('button', { name: '大字' })).toHaveAttribute('aria-pressed', 'true');
  expect(await rootFontSize()).toBeGreaterThanOrEqual(22);
  await page.getByRole('button', { name: '高对比' }).click();
  await expect(html).toHaveClass(/high-contrast/);
  if (javaScriptEnabled) {
    expect(await page.evaluate(() => window.__stayedOnPage)).toBe(true);
  }
  await expectAccessible(page);
  // Remembered on the next page, also with JS (the choice was saved in the background).
  await expect.poll(async () => (await page.context().cookies()).find((c) => c.name === 'display')?.value).toBe('large.contrast');
  await page.goto('/help/urgent');
  await expect(html).toHaveClass('large-text high-contrast');
});

test('the layout fits a 320 px screen without sideways scrolling', async ({ page }) => {
  await page.setViewportSize({ width: 320, height: 640 });
  for (const path of ['/', '/help/urgent', '/staff/login']) {
    await page.goto(path);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow, `${path} scrolls sideways`).toBeLessThanOrEqual(0);
  }
});

test('an unknown address says so plainly', async ({ page }) => {
  const response = await visit(page, '/no/such/page');
  expect(response.status()).toBe(404);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('没有找到这个页面');
  await page.getByRole('link', { name: '回到首页' }).click();
  await expect(page).toHaveURL(/\/$/);
});
