// Shared steps: visiting a page checks it with axe, and JS-on runs fail on console errors
// (a blocked script or a failed hydration shows up there first).
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

/** Signs one of the accounts of start-server.sh in and lands on the staff workspace. */
export async function signIn(page, username) {
  await page.goto('/staff/login');
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码').fill(STAFF_PASSWORD);
  await page.getByRole('button', { name: '登录' }).click();
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
