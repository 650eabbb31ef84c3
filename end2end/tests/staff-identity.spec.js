// Staff identity: a caseworker's first sign-in sets up an authenticator app (the password, then a
// QR code with its secret, then ten recovery codes shown once); later sign-ins ask for the
// password and a code of the app; on 我的账号 she changes her password, which ends her other
// sign-ins, and ends another device's sign-in herself. With JS on and off: every form is a plain post.
import { test, expect, expectAccessible, signIn, withFreshCode, STAFF_PASSWORD } from './support.js';

const NEW_PASSWORD = 'slow river under the old bridge';

/**
 * Changes the password on 我的账号 with a code of the app; a code refused as just used comes back
 * on the page (422) with the problem, and the form is filled again with the next code.
 */
async function changePassword(page, secret, username, current, next) {
  await withFreshCode(page, secret, username, async (code) => {
    // A refused form answers at the form's address: from the page's own, any answer is a new address.
    if (new URL(page.url()).pathname !== '/staff/account' || new URL(page.url()).search !== '') {
      await page.goto('/staff/account');
    }
    await page.getByLabel('现在的密码', { exact: true }).fill(current);
    await page.locator('#code').fill(code);
    await page.getByLabel('新密码', { exact: true }).fill(next);
    await page.getByLabel('再输入一次新密码', { exact: true }).fill(next);
    await page.getByRole('button', { name: '修改密码' }).click();
    await page.waitForURL((url) => url.pathname !== '/staff/account' || url.search !== '');
    return (await page.locator('.error-summary li[data-problem="code_replayed"]').count()) > 0;
  });
}

test('a caseworker sets up an authenticator app, signs in with password and code, changes the password, and ends another session', async ({ page, secondPhone }, testInfo) => {
  // An account per project: both run at once, and each account sets its app up once.
  const username = testInfo.project.name === 'js' ? 'e2e.newcomer-js' : 'e2e.newcomer-nojs';
  const displayName = username.replace('e2e.', '测试');

  // The first sign-in: the password, then the app is set up with the QR code or the secret.
  await page.goto('/staff/login');
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码').fill(STAFF_PASSWORD);
  await page.getByRole('button', { name: '下一步' }).click();
  await expect(page).toHaveURL(/\/staff\/login\/enrol$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('设置手机验证器');
  await expect(page.locator('.qr svg')).toBeVisible();
  await expectAccessible(page);
  const secret = await page.locator('p.secret').getAttribute('data-totp-secret');
  expect(secret).toMatch(/^[A-Z2-7]{32}$/);
  // Shown in groups of four, for typing into an app by hand.
  await expect(page.locator('p.secret')).toHaveText(secret.match(/.{4}/g).join(' '));
  await withFreshCode(page, secret, username, async (code) => {
    await page.getByLabel('验证码').fill(code);
    await page.getByRole('button', { name: '确认并登录' }).click();
    // A new app has used no code yet: the answer is the recovery codes, shown this once.
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('请保存备用码');
    return false;
  });
  const recoveryCodes = page.locator('ol[data-recovery-codes] li');
  await expect(recoveryCodes).toHaveCount(10);
  for (const code of await recoveryCodes.allInnerTexts()) expect(code).toMatch(/^[2-9A-HJ-NP-Z]{4}(-[2-9A-HJ-NP-Z]{4}){2}$/);
  await expectAccessible(page);
  await page.getByRole('link', { name: '我已保存，继续' }).click();
  await expect(page).toHaveURL(/\/staff$/);
  await expect(page.getByText(`已登录：${displayName}`)).toBeVisible();

  // Signed out and in again: the password, then a code of the app (the enrolment's is used up).
  await page.getByRole('button', { name: '退出登录' }).click();
  await expect(page).toHaveURL(/\/staff\/login\?signed_out=1$/);
  await expect(page.getByRole('status')).toHaveText('您已退出登录。');
  await signIn(page, username, STAFF_PASSWORD, secret);
  await expect(page.getByText(`已登录：${displayName}`)).toBeVisible();

  // 我的账号: the app is on, all ten recovery codes are left; a new password, with a code.
  await page.getByRole('link', { name: '我的账号：改密码、验证器、登录的设备' }).click();
  await expect(page).toHaveURL(/\/staff\/account$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('我的账号');
  await expect(page.locator('[data-factor="totp"]')).toBeVisible();
  await expect(page.getByText('还剩 10 个没用过的备用码。')).toBeVisible();
  await expectAccessible(page);
  await changePassword(page, secret, username, STAFF_PASSWORD, NEW_PASSWORD);
  await expect(page).toHaveURL(/\/staff\/account\?done=password_changed$/);
  await expect(page.locator('[data-notice="password_changed"]')).toHaveText('密码已修改。其他设备上的登录已经退出。');
  await expectAccessible(page);

  // On a second phone the old password is refused; the new one and a code sign in.
  await secondPhone.goto('/staff/login');
  await secondPhone.getByLabel('用户名').fill(username);
  await secondPhone.getByLabel('密码').fill(STAFF_PASSWORD);
  await secondPhone.getByRole('button', { name: '下一步' }).click();
  await expect(secondPhone).toHaveURL(/\/staff\/login\?error=invalid$/);
  await expect(secondPhone.getByRole('alert')).toContainText('用户名或密码不对');
  await signIn(secondPhone, username, NEW_PASSWORD, secret);
  await expect(secondPhone.getByText(`已登录：${displayName}`)).toBeVisible();

  // Back on the first phone, both sign-ins are listed; she ends the other one.
  await page.goto('/staff/account');
  const sessions = page.locator('ul.sessions');
  await expect(sessions).toHaveAttribute('data-sessions', '2');
  await expect(page.getByText('您的账号现在在 2 个地方登录着。', { exact: false })).toBeVisible();
  await expect(sessions.locator('li.session[data-this-session="true"]')).toContainText('就是这台');
  const other = sessions.locator('li.session[data-this-session="false"]');
  await expect(other).toHaveCount(1);
  await expect(page.locator('li.session[data-this-session="true"]').getByRole('button', { name: '退出这个设备' })).toHaveCount(0);
  await expectAccessible(page);
  await other.getByRole('button', { name: '退出这个设备' }).click();
  await expect(page).toHaveURL(/\/staff\/account\?done=session_ended$/);
  await expect(page.locator('[data-notice="session_ended"]')).toHaveText('那个设备上的登录已经退出。');
  await expect(sessions).toHaveAttribute('data-sessions', '1');
  await expect(sessions.locator('li.session')).toHaveCount(1);
  await expect(sessions.locator('li.session[data-this-session="true"]')).toHaveCount(1);

  // The second phone is signed out: the workspace sends it to the sign-in page.
  await secondPhone.goto('/staff');
  await expect(secondPhone).toHaveURL(/\/staff\/login$/);
  await expect(secondPhone.getByRole('heading', { level: 1 })).toHaveText('工作人员登录');
});
