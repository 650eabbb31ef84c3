import { test, expect, visit, expectAccessible, signIn, enterCode, STAFF_PASSWORD, STAFF_TOTP_SECRET } from './support.js';

test('a caseworker signs in, sees the workspace and signs out', async ({ page }) => {
  await visit(page, '/staff');
  await expect(page).toHaveURL(/\/staff\/login$/);
  await page.getByLabel('用户名').fill('e2e.caseworker');
  await page.getByLabel('密码').fill(STAFF_PASSWORD);
  await page.getByRole('button', { name: '下一步' }).click();
  // The password is right: the code of the authenticator app is asked next.
  await expect(page).toHaveURL(/\/staff\/login\/code$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('输入验证码');
  await expectAccessible(page);
  await enterCode(page, STAFF_TOTP_SECRET, 'e2e.caseworker');
  await expect(page).toHaveURL(/\/staff$/);
  await expectAccessible(page);
  await expect(page.getByText('已登录：测试caseworker')).toBeVisible();
  await expect(page.getByText('任城区')).toBeVisible();
  const cookie = (await page.context().cookies()).find((c) => c.name === '__Host-portal-session');
  expect(cookie?.httpOnly).toBe(true);
  await page.getByRole('button', { name: '退出登录' }).click();
  await expect(page).toHaveURL(/\/staff\/login\?signed_out=1$/);
  await expect(page.getByRole('status')).toHaveText('您已退出登录。');
  await page.goto('/staff');
  await expect(page).toHaveURL(/\/staff\/login$/);
});

test('a wrong password is explained at the top and beside the field', async ({ page }) => {
  await visit(page, '/staff/login');
  await page.getByLabel('用户名').fill('e2e.volunteer');
  await page.getByLabel('密码').fill('not the password');
  await page.getByRole('button', { name: '下一步' }).click();
  await expect(page).toHaveURL(/error=invalid/);
  await expectAccessible(page);
  const summary = page.getByRole('alert');
  await expect(summary).toContainText('用户名或密码不对');
  await summary.getByRole('link').click();
  await expect(page.getByLabel('用户名')).toBeFocused();
});

test('staff are warned two minutes before an idle session ends', async ({ page, javaScriptEnabled }) => {
  test.skip(!javaScriptEnabled, 'the warning is timed in the browser; without JS the session simply ends');
  await page.clock.install();
  await signIn(page, 'e2e.supervisor');
  const warning = page.getByText('2 分钟后将自动退出登录');
  await expect(warning).toBeHidden();
  await page.clock.fastForward('13:01');
  await expect(warning).toBeVisible();
  await expectAccessible(page);
  await page.clock.fastForward('02:00');
  await expect(page.getByText('您已退出登录。请重新登录', { exact: false })).toBeVisible();
  await expect(warning).toBeHidden();
});
