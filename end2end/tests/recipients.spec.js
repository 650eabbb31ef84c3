// A recipient's month after the decision, on the tracking page: the month's payment and the
// price subsidy the re-check paid, a direct transfer to 特困 she agrees to, and a payment she says
// did not arrive, with JS on and off.
// A server of the test's own, so that the data office's commands (department data, price index,
// the month's re-check) run on its database as an operator runs them.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { test, expect, expectAccessible, holdMeeting, signIn, withoutScript } from './support.js';
import { OwnServer } from './own-server.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const binary = path.join(root, 'target', 'release', 'server');

// 周桂兰 applied at 59 with a 300 yuan pension: 低保 of 980 − 300 = 680 yuan a month. The register
// says she is 60 now, alone: she meets 特困.
const application = {
  applicant: { name: '周桂兰', id_number: '370811196611010026', phone: '13800138009', county: '任城区', address: '任城区李营街道东村7号' },
  submitted_by: { type: 'self' },
  household: {
    area: 'urban',
    members: [{ age: 59, incomes: [{ kind: 'pension', monthly: 300 }] }],
    assets: { financial: 5000, vehicles_value: 0, houses_owned: 1 },
  },
  programmes: ['dibao'],
  emergency: null,
  consents: { three_in_one: true, verification_authorizations: [0], sensitive_information: true, public_notice: true },
  missing_documents: [],
};
const REGISTER = 'record_id,id_number,name,household_no,relation,county,township,village,address,area\n'
  + 'R7,370811196611010026,周桂兰,000000000123,head,任城区,李营街道,东村,东村7号,urban\n';
// December's CPI rose 3.6% year on year: the subsidy is 980 × 3.6% = 35.28, paid 35 yuan.
const PRICES = '[{"month": "2026-12", "cpi_yoy": 3.6, "food_cpi_yoy": 4.1}]';

async function newPhone(browser, server, javaScriptEnabled) {
  const context = await browser.newContext({
    javaScriptEnabled,
    baseURL: server.url,
    viewport: { width: 360, height: 740 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    locale: 'zh-CN',
  });
  const page = await context.newPage();
  if (!javaScriptEnabled) withoutScript(page, browser, { width: 360, height: 740 });
  return page;
}

/** Opens a step on the case page, fills in its reason and sends it. */
async function takeStep(page, name, reason) {
  const exact = new RegExp(`^${name}$`);
  const step = page.locator('details.case-action', { has: page.locator('summary', { hasText: exact }) });
  await step.locator('summary').click();
  await step.getByLabel('理由（必须写）').fill(reason);
  await step.getByRole('button', { name, exact: true }).click();
  await expect(page.locator('.notice[role=status]')).toContainText(`已办理：${name}`);
}

test('a recipient sees her monthly payment and the price subsidy, and agrees to move to 特困', async ({ page, browser, javaScriptEnabled }) => {
  test.setTimeout(120_000);
  const server = new OwnServer(javaScriptEnabled ? 12 : 14);
  await server.start();
  const run = (...args) => execFileSync(binary, args, { env: server.env, stdio: 'pipe' });
  try {
    const response = await fetch(`${server.url}/api/v1/applications`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'Idempotency-Key': crypto.randomUUID() },
      body: JSON.stringify(application),
    });
    expect(response.status).toBe(201);
    const receipt = await response.json();

    // The supervisor approves her 低保 (here after a deliberation, the shortest way through).
    const staff = await newPhone(browser, server, javaScriptEnabled);
    await signIn(staff, 'e2e.supervisor');
    await staff.goto(`/staff/cases/${receipt.reference}`);
    await takeStep(staff, '提交一事一议', '老人独居，收入很低');
    await holdMeeting(staff, '同意救助');
    await takeStep(staff, '批准', '同意，按低保救助');

    // The data office: the register, December's price index, and the month's re-check.
    const register = path.join(server.data, 'register.csv');
    writeFileSync(register, REGISTER);
    const pricesFile = path.join(server.data, 'prices.json');
    writeFileSync(pricesFile, PRICES);
    run('discover', 'import', 'household_register', register);
    run('prices', 'import', pricesFile);
    run('recipients', 'reverify', '--month', '2026-12');

    // The supervisor types November's published figures on the recipients page: a mistyped rise
    // comes back beside its box with what was typed, then November is kept, under the thresholds.
    await staff.goto('/staff/recipients?month=2026-12');
    const prices = staff.locator('#prices');
    await expect(prices.locator('tr[data-price-month="2026-12"]')).toHaveAttribute('data-triggers', 'cpi');
    await prices.getByLabel('月份').fill('2026-11');
    await prices.getByLabel('居民消费价格指数同比涨幅').fill('3.45');
    await prices.getByLabel('食品价格同比涨幅').fill('5.2');
    await prices.getByRole('button', { name: '保存这个月' }).click();
    await expect(staff.locator('.error-summary')).toContainText('最多填一位小数');
    await expect(staff.locator('#prices').getByLabel('居民消费价格指数同比涨幅')).toHaveValue('3.45');
    await expectAccessible(staff);
    await staff.locator('#prices').getByLabel('居民消费价格指数同比涨幅').fill('3.4');
    await staff.locator('#prices').getByRole('button', { name: '保存这个月' }).click();
    await expect(staff.locator('[data-notice="prices_saved"]')).toBeVisible();
    await expect(staff.locator('tr[data-price-month="2026-11"]')).toContainText('未达到启动条件');
    await expectAccessible(staff);

    // She opens her case (on this project's phone, JS on or off, at the test's own server).
    await page.goto(`${server.url}/track?reference=${receipt.reference}`);
    await page.getByLabel('查询码').fill(receipt.access_code);
    await page.getByRole('button', { name: '查看' }).click();
    await expect(page.getByRole('heading', { name: '您家享受的救助' })).toBeVisible();
    const payments = page.getByRole('table', { name: '每月发放' });
    await expect(payments.locator('tr[data-kind="regular"]')).toContainText(['2026-12', '救助金', '¥680'].join(''));
    await expect(payments.locator('tr[data-kind="price_subsidy"]')).toContainText(['2026-12', '价格临时补贴', '¥35'].join(''));
    await expectAccessible(page);

    // The offer: without a choice the form comes back with its problem; then she agrees.
    const offer = page.locator('section[data-offer="tekun"]');
    await expect(offer).toContainText('特困');
    await offer.getByRole('button', { name: '提交' }).click();
    await expect(page.locator('.error-summary')).toContainText('请选择同意还是不同意');
    await expectAccessible(page);
    await page.getByLabel('同意，转过去').check();
    await page.locator('section[data-offer="tekun"]').getByRole('button', { name: '提交' }).click();
    await expect(page.locator('[data-transfer-answered="agreed"]')).toBeVisible();
    await expect(page.locator('[data-transfer-pending="tekun"]')).toBeVisible();
    await expect(page.getByText('现在：公示中')).toBeVisible();
    await expect(page.locator('section[data-offer]')).toHaveCount(0);
    await expectAccessible(page);

    // The subsidy did not arrive: she says so, and the row says staff were told.
    await page.getByRole('table', { name: '每月发放' }).locator('tr[data-kind="price_subsidy"]').getByRole('button').click();
    await expect(page.locator('[data-missing-now]')).toBeVisible();
    await expect(page.getByRole('table', { name: '每月发放' }).locator('tr[data-kind="price_subsidy"]')).toContainText('已告诉工作人员');
    await expectAccessible(page);
  } finally {
    await server.stop();
  }
});
