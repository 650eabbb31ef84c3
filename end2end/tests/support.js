// Shared steps: visiting a page checks it with axe, and JS-on runs fail on console errors
// (a blocked script or a failed hydration shows up there first).
import { createHmac } from 'node:crypto';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import path from 'node:path';
import { test as base, expect } from '@playwright/test';
import axe from 'axe-core';

/** Responses a test expects to fail (say, a refused upload), per page: URL patterns. */
const expectedFailures = new WeakMap();

/** Tells the page's error check that a failing response to a matching URL is what the test wants. */
export function expectFailedResponse(page, pattern) {
  expectedFailures.set(page, [...(expectedFailures.get(page) || []), pattern]);
}

/**
 * Pages of the no-JS project, where axe (itself a script) cannot run in the page: there its
 * promise never settles, so every page a test makes must come from a fixture that registers it.
 */
const noScriptPages = new WeakMap();

/** Per no-JS page, the one helper page (JS on, the portal's scripts blocked) that axe runs in. */
const axeHelpers = new WeakMap();

const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'];

export const test = base.extend({
  page: async ({ page, javaScriptEnabled, browser, viewport }, use) => {
    const errors = [];
    page.on('console', (message) => {
      // Chromium logs every HTTP error status this way, the page's own 404 included; failing
      // scripts, styles and WASM are caught precisely below instead.
      if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) {
        errors.push(message.text());
      }
    });
    page.on('response', (response) => {
      const expected = (expectedFailures.get(page) || []).some((pattern) => pattern.test(response.url()));
      if (response.status() >= 400 && !response.request().isNavigationRequest() && !expected) {
        errors.push(`${response.status()} ${response.url()}`);
      }
    });
    page.on('requestfailed', (request) => {
      // A navigation cancels what the previous page was still loading; that is not a fault.
      if (request.failure()?.errorText !== 'net::ERR_ABORTED') errors.push(`failed ${request.url()}`);
    });
    page.on('pageerror', (error) => errors.push(error.message));
    if (!javaScriptEnabled) noScriptPages.set(page, { browser, viewport });
    await use(page);
    await axeHelpers.get(page)?.context().close();
    if (javaScriptEnabled) expect(errors, 'console errors').toEqual([]);
  },
  /** A second phone (its own cookies), with JS as the project has it: a resident beside staff. */
  secondPhone: async ({ browser, javaScriptEnabled, viewport }, use) => {
    const context = await browser.newContext({ javaScriptEnabled });
    const phone = await context.newPage();
    if (!javaScriptEnabled) noScriptPages.set(phone, { browser, viewport });
    await use(phone);
    await axeHelpers.get(phone)?.context().close();
    await context.close();
  },
});

export { expect };

/** A page of a context the test made itself without JS: axe checks it as it checks the others. */
export function withoutScript(page, browser, viewport) {
  noScriptPages.set(page, { browser, viewport });
}

/**
 * Checks the page as it is now against WCAG 2.1 A and AA with axe-core. For a no-JS page, axe
 * checks the same HTML in a helper page with the portal's own scripts blocked, so it is still the
 * page a visitor without JS sees. axe runs in the page itself (AxeBuilder's report step opens a
 * new page per check, seconds each on these machines).
 */
export async function expectAccessible(page) {
  const target = noScriptPages.has(page) ? await helperWith(page) : page;
  if (!(await target.evaluate(() => typeof window.axe === 'object'))) await target.evaluate(axe.source);
  const violations = await target.evaluate(
    (tags) => window.axe.run(document, { runOnly: { type: 'tag', values: tags } }).then((r) => r.violations),
    AXE_TAGS,
  );
  const summary = violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target).join(', ')})`);
  expect(summary, `axe violations on ${page.url()}`).toEqual([]);
}

/** The no-JS page's helper, now showing the page's current HTML. */
async function helperWith(page) {
  const html = await page.content();
  let helper = axeHelpers.get(page);
  if (!helper) {
    const { browser, viewport } = noScriptPages.get(page);
    const context = await browser.newContext({ javaScriptEnabled: true, viewport });
    helper = await context.newPage();
    await helper.route(/\/pkg\/.*\.(js|wasm)$/, (route) => route.abort());
    await helper.goto(new URL('/robots.txt', page.url()).href);
    axeHelpers.set(page, helper);
  }
  await helper.setContent(html, { waitUntil: 'load' });
  return helper;
}

/** Goes to a path and checks the page with axe. */
export async function visit(page, path) {
  const response = await page.goto(path);
  await expectAccessible(page);
  return response;
}

export const STAFF_PASSWORD = 'e2e-password-2026';

/**
 * The authenticator secret (Base32) of the accounts start-server.sh and own-server.js make
 * (PORTAL_NEW_TOTP_SECRET there, the same text): every staff sign-in asks for a code of it.
 */
export const STAFF_TOTP_SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** The bytes of a Base32 secret as apps show it (spaces, dashes, lower case and padding forgiven). */
function base32Bytes(text) {
  const bytes = [];
  let bits = 0;
  let value = 0;
  for (const char of text.toUpperCase().replace(/[\s=-]/g, '')) {
    const digit = BASE32.indexOf(char);
    if (digit < 0) throw new Error(`not a Base32 secret: ${text}`);
    value = ((value << 5) | digit) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      bytes.push((value >> bits) & 0xff);
    }
  }
  return Buffer.from(bytes);
}

/** Seconds per code of the app. */
const STEP_SECONDS = 30;

/**
 * The code an authenticator app shows at `unixSeconds` (RFC 6238: HMAC-SHA1 of the 30-second
 * step, 6 digits), as the portal checks it; RFC 6238's vectors: the secret of ASCII
 * "12345678901234567890" gives 287082 at 59 and 081804 at 1111111109.
 */
export function totp(secretBase32, unixSeconds) {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(unixSeconds / STEP_SECONDS)));
  const mac = createHmac('sha1', base32Bytes(secretBase32)).update(counter).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  return String((mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000).padStart(6, '0');
}

/**
 * Takes a time step of the app for this run's sign-ins as `account` on the page's server; false
 * when another sign-in took it first. The two workers sign in as the same accounts, the portal
 * takes each step's code once per account, and a code refused as replayed counts toward the
 * account's lockout (5 in a row lock it for 15 minutes): a step is taken by creating its file,
 * which one process only can, under the run's output directory (emptied by every run, as the
 * server's database is new).
 */
function takeStep(page, account, step) {
  const dir = path.join(base.info().project.outputDir, '.totp-steps', new URL(page.url()).host.replace(':', '-'), account);
  mkdirSync(dir, { recursive: true });
  try {
    closeSync(openSync(path.join(dir, String(step)), 'wx'));
    return true;
  } catch (error) {
    if (error.code === 'EEXIST') return false;
    throw error;
  }
}

/**
 * Enters codes of the app until one is accepted, as someone whose code was just used waits for the
 * next: `submit(code)` enters one and resolves true when the portal refused it as replayed. Tries
 * the codes of now, now + 30 s and now - 30 s (the portal accepts one step either way), skipping
 * steps this run took already; with none left it waits for the next step, lengthening the test's
 * time by as much. Gives up rather than lock the account with refusals.
 */
export async function withFreshCode(page, secret, account, submit) {
  let replays = 0;
  for (let round = 0; round < 10; round++) {
    const now = Date.now() / 1000;
    const step = Math.floor(now / STEP_SECONDS);
    // Last step's code runs out with this step: too near its end, it might not reach the server in time.
    const candidates = now - step * STEP_SECONDS < STEP_SECONDS - 5 ? [step, step + 1, step - 1] : [step, step + 1];
    for (const candidate of candidates) {
      if (!takeStep(page, account, candidate)) continue;
      if (!(await submit(totp(secret, candidate * STEP_SECONDS)))) return;
      replays += 1;
      // Well before the lockout's 5 refusals in a row: something outside this run uses the codes.
      if (replays >= 3) throw new Error(`the codes of ${account} were refused as used ${replays} times`);
    }
    const wait = Math.ceil(((step + 1) * STEP_SECONDS - Date.now() / 1000) * 1000) + 250;
    if (base.info().timeout > 0) base.info().setTimeout(base.info().timeout + wait);
    await new Promise((resolve) => setTimeout(resolve, wait));
  }
  throw new Error(`no code of ${account} was free for 10 steps`);
}

/**
 * On the sign-in's code page (/staff/login/code), enters a code of the app that no other sign-in
 * of this run used, and waits for the answer; `account` is the username, whose steps it shares.
 */
export async function enterCode(page, secret, account = secret) {
  await withFreshCode(page, secret, account, async (code) => {
    // A refusal comes back at the same address: from the bare one, any answer is a new address.
    if (new URL(page.url()).search !== '') await page.goto('/staff/login/code');
    await page.getByLabel('验证码').fill(code);
    await page.getByRole('button', { name: '登录', exact: true }).click();
    await page.waitForURL((url) => url.pathname !== '/staff/login/code' || url.search !== '');
    return new URL(page.url()).searchParams.get('error') === 'code_replayed';
  });
}

/**
 * Signs an account in with its password and a code of its app, and lands on the staff workspace.
 * The accounts of start-server.sh share STAFF_PASSWORD and STAFF_TOTP_SECRET.
 */
export async function signIn(page, username, password = STAFF_PASSWORD, secret = STAFF_TOTP_SECRET) {
  await page.goto('/staff/login');
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码').fill(password);
  await page.getByRole('button', { name: '下一步' }).click();
  await expect(page).toHaveURL(/\/staff\/login\/code$/);
  await enterCode(page, secret, username);
  await expect(page).toHaveURL(/\/staff$/);
}

/** The stand-in SMS gateway that start-server.sh runs on the portal's port + 1 (sms-sink.js). */
const smsSink = `http://127.0.0.1:${Number(process.env.PORTAL_E2E_PORT || 3217) + 1}`;

/**
 * The texts the portal has sent to a phone so far, oldest first (newest last). The portal sends
 * from its outbox every 2 seconds, so wait for a message with
 * `await expect.poll(() => smsTo(phone)).toContainEqual(expect.stringContaining(reference))`.
 */
export async function smsTo(phone) {
  const response = await fetch(`${smsSink}/messages?to=${encodeURIComponent(phone)}`);
  if (!response.ok) throw new Error(`the SMS sink answered ${response.status}`);
  return (await response.json()).map((message) => message.text);
}

/**
 * Plans an outreach event as e2e.supervisor on `phone` (a page of its own, such as the
 * `secondPhone` fixture), with e2e.volunteer on it: what a volunteer's form needs,
 * { volunteerCode, eventCode }. The events page is checked with axe on the way.
 */
export async function planOutreachEvent(phone) {
  await signIn(phone, 'e2e.supervisor');
  await phone.getByRole('link', { name: '外出宣讲活动和志愿者' }).click();
  await expect(phone.getByRole('heading', { level: 1 })).toHaveText('外出宣讲活动');
  await expectAccessible(phone);
  await phone.getByLabel('地点').fill('李营街道前营村村委会');
  const day = new Date(Date.now() + 7 * 24 * 3600 * 1000).toISOString().slice(0, 10);
  await phone.getByLabel('日期').fill(day);
  const volunteer = phone.getByRole('checkbox', { name: /^测试volunteer（V-\d+）$/ });
  // The badge code, as the form shows it beside the name.
  const volunteerCode = (await phone.locator('label', { hasText: '测试volunteer' }).innerText()).match(/V-\d+/)[0];
  await volunteer.check();
  await phone.getByRole('button', { name: '建好活动' }).click();
  await expect(phone.locator('[data-notice="event_created"]')).toBeVisible();
  await expectAccessible(phone);
  const eventCode = new URL(phone.url()).searchParams.get('created');
  return { volunteerCode, eventCode };
}

/**
 * On a case in 一事一议, schedules today's meeting and keeps its record with the given decision
 * ('同意救助' or '不同意救助'), as a caseworker does on the case page.
 */
export async function holdMeeting(page, decision) {
  const today = new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(0, 10);
  const schedule = page.locator('form[data-form="deliberation-schedule"]');
  await schedule.getByLabel('开会日期').fill(today);
  await schedule.getByRole('button', { name: '安排议事会' }).click();
  await expect(page.locator(`[data-meeting-on="${today}"]`)).toBeVisible();
  const record = page.locator('form[data-form="deliberation-record"]');
  await record.getByLabel('开会日期').fill(today);
  await record.getByLabel('参加的人').fill('王主任（街道民政办）\n李委员（社区居委会）\n赵代表（居民代表）');
  await record.getByLabel('会议记录').fill('核实了家庭的收入和支出。');
  await record.getByLabel(decision, { exact: true }).check();
  await record.getByLabel('决定的理由').fill('家庭确有困难');
  await record.getByRole('button', { name: '保存会议记录' }).click();
  await expect(page.locator('[data-meeting-decision]')).toBeVisible();
}
