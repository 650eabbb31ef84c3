// Where to go in person: a resident finds her township's window from a policy page, and every
// one of the handbook's policies leads somewhere real (a check and an application on the
// portal, a window or a department with its contact, or what to do when help given without
// applying did not come), with JS on and off.
import { test, expect, expectAccessible } from './support.js';

test('a resident finds the window of her township from a policy page', async ({ page }) => {
  await page.goto('/policies/disability-two-subsidies');
  await expect(page.locator('[data-apply="window"]')).toBeVisible();
  await page.getByRole('link', { name: '到哪里办：找您附近的窗口' }).click();
  await expect(page.locator('[data-service]')).toContainText('残疾人联合会');
  await page.getByLabel('县（市、区）').selectOption({ label: '任城区' });
  await page.getByRole('button', { name: '查找窗口' }).click();
  await page.getByLabel('乡镇（街道）').selectOption('李营街道');
  await page.getByRole('button', { name: '查找窗口' }).click();
  const station = page.locator('article[data-village="东村"]');
  await expect(station).toContainText('周一');
  await expect(station.locator('a.tel')).toHaveAttribute('href', /^tel:0537-/);
  await expect(page.locator('[data-sample="windows"]')).toBeVisible();
  await expectAccessible(page);
});

test('every page, the self-check among them, links the windows in its footer', async ({ page }) => {
  for (const path of ['/', '/check', '/policies', '/track']) {
    await page.goto(path);
    await expect(page.locator('footer a[href="/windows"]'), path).toBeVisible();
  }
});

test('every policy page leads somewhere real', async ({ page, request }) => {
  test.setTimeout(180_000);
  const response = await request.get('/api/v1/policies');
  expect(response.ok()).toBeTruthy();
  const body = await response.json();
  const slugs = (body.policies ?? body).map((p) => p.slug);
  expect(slugs).toHaveLength(38);
  const routes = {};
  for (const slug of slugs) {
    await page.goto(`/policies/${slug}`);
    const next = page.locator('[data-apply]');
    await expect(next, slug).toHaveCount(1);
    const route = await next.getAttribute('data-apply');
    routes[route] = (routes[route] ?? 0) + 1;
    // No page claims an online application unless the portal takes it.
    if (route !== 'portal') {
      await expect(page.getByRole('link', { name: '申请这项救助' }), slug).toHaveCount(0);
    }
    const target = route === 'portal'
      ? await page.getByRole('link', { name: '申请这项救助' }).getAttribute('href')
      : route === 'automatic'
        ? await page.getByRole('link', { name: '查我的申请和发放' }).getAttribute('href')
        : await page.getByRole('link', { name: '到哪里办：找您附近的窗口' }).getAttribute('href');
    if (route === 'portal') {
      await page.goto(target);
      await expect(page.getByRole('heading', { level: 1 }), slug).toBeVisible();
      await expect(page).not.toHaveTitle(/没有找到这个页面/);
    } else if (route === 'automatic') {
      await page.goto(target);
      await expect(page.getByRole('heading', { name: '查办理进度' }), slug).toBeVisible();
    } else {
      // The windows of the resident's county (here 任城区) that handle it, or the department.
      await page.goto(`${target}&county=rencheng`);
      await expect(page.locator('[data-service]'), slug).toBeVisible();
      await expect(page.locator('[data-department] a.tel'), slug).toBeVisible();
      expect(Number(await page.locator('[data-windows]').getAttribute('data-windows')), slug).toBeGreaterThan(0);
    }
  }
  expect(routes.portal).toBe(20);
});
