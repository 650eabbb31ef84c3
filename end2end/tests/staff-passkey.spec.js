// Passkeys, where the browser offers them: a supervisor adds one on 我的账号, signs out, and signs
// in again with the password and the passkey instead of a code. Chromium's virtual authenticator
// stands in for the phone's fingerprint. JS only: without the script the code is the way in
// (staff-identity.spec.js), and the passkey buttons stay hidden.
import { test, expect, expectAccessible, signIn, STAFF_PASSWORD } from './support.js';

const port = Number(process.env.PORTAL_E2E_PORT || 3217);
// Passkeys are bound to a domain name (PORTAL_PUBLIC_ORIGIN in start-server.sh), never an IP.
const origin = `http://localhost:${port}`;

test('a supervisor adds a passkey and signs in with it instead of a code', async ({ browser, javaScriptEnabled, viewport }) => {
  test.skip(!javaScriptEnabled, 'a passkey is the browser script’s; without it the code is the way in');
  const context = await browser.newContext({ baseURL: origin, viewport, locale: 'zh-CN' });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (error) => errors.push(error.message));
  const cdp = await context.newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });

  await signIn(page, 'e2e.passkey');
  await page.getByRole('link', { name: '我的账号：改密码、验证器、登录的设备' }).click();
  await expect(page.getByRole('heading', { name: '通行密钥' })).toBeVisible();
  await expect(page.locator('ul.passkeys')).toHaveAttribute('data-passkeys', '0');
  await expectAccessible(page);
  await page.getByRole('button', { name: '在这台设备上添加通行密钥' }).click();
  await expect(page).toHaveURL(/\/staff\/account\?done=passkey_added$/);
  await expect(page.locator('[data-notice="passkey_added"]')).toContainText('通行密钥已添加');
  await expect(page.locator('ul.passkeys')).toHaveAttribute('data-passkeys', '1');

  await page.goto('/staff');
  await page.getByRole('button', { name: '退出登录' }).click();
  await expect(page).toHaveURL(/\/staff\/login\?signed_out=1$/);

  await page.getByLabel('用户名').fill('e2e.passkey');
  await page.getByLabel('密码').fill(STAFF_PASSWORD);
  await page.getByRole('button', { name: '下一步' }).click();
  await expect(page).toHaveURL(/\/staff\/login\/code$/);
  await expectAccessible(page);
  await page.getByRole('button', { name: '用通行密钥登录' }).click();
  await expect(page).toHaveURL(/\/staff$/);
  await expect(page.getByText('已登录：测试passkey')).toBeVisible();

  await page.goto('/staff/account');
  await expect(page.locator('ul.passkeys li')).not.toContainText('还没有用过');
  expect(errors).toEqual([]);
  await context.close();
});
