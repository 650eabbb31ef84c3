import { test, expect, visit, expectAccessible } from './support.js';
import {
  INCOME_LABELS, POLICY_EXAMPLE, RURAL_FAMILY, FIRE_TONIGHT, person, next, openCheck, answerCheck, resultCards, apiCards,
} from './households.js';

test('the self-check asks one topic per page and explains its estimate', async ({ page, javaScriptEnabled }) => {
  const posts = [];
  page.on('request', (request) => {
    if (request.method() === 'POST') posts.push(request.url());
  });
  await openCheck(page);
  await expectAccessible(page);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('测一测：您家可能得到哪些帮助');
  await answerCheck(page, POLICY_EXAMPLE, { checkEachPage: true });

  await expect(page.getByText('这只是估算，不是审批决定')).toBeVisible();
  const tekun = page.locator('section.programme[data-programme="tekun"]');
  await expect(tekun).toContainText('可能符合');
  await expect(tekun).toContainText('建议先申请这一项');
  await expect(tekun).toContainText('估计每月约 ¥1,424');
  await expect(tekun).toContainText('第 1 位：自己每月的收入是 ¥300，要低于低保标准 ¥980 — 符合');
  await expect(tekun.getByRole('link', { name: '特困人员救助供养' })).toHaveAttribute('href', '/policies/tekun-support');
  const dibao = page.locator('section.programme[data-programme="dibao"]');
  await expect(dibao).toContainText('估计每月约 ¥680');
  // What would change the result: the conditions not met, with the figure and the line.
  const marginal = page.locator('section.programme[data-programme="marginal"]');
  await marginal.getByText('为什么不符合').click();
  await expect(marginal).toContainText('全家不符合低保 — 不符合');
  await expectAccessible(page);

  // With WASM, nothing left the phone: every page was worked out in the browser.
  if (javaScriptEnabled) expect(posts).toEqual([]);
  else expect(posts.length).toBe(7);
});

test('a mistake is explained beside the field and in a summary, and nothing else changes', async ({ page }) => {
  await visit(page, '/check');
  await page.getByRole('button', { name: '现在开始' }).click();
  await page.getByLabel('城镇（城市、县城）').check();
  await page.getByLabel('一起生活的家人有几位（包括您自己）').fill('三十五');
  await next(page);
  await expect(page).toHaveTitle('请改一改：您家住在哪里，有几口人？');
  const summary = page.getByRole('alert');
  await expect(summary).toContainText('有 1 处需要改一改');
  await expect(summary.getByRole('link', { name: /人数要写 1 到 30 之间的整数/ })).toHaveAttribute('href', '#size');
  await expect(page.getByLabel('一起生活的家人有几位（包括您自己）')).toHaveValue('三十五');
  await expect(page.getByLabel('城镇（城市、县城）')).toBeChecked();
  await expectAccessible(page);
  await page.getByLabel('一起生活的家人有几位（包括您自己）').fill('３');
  await next(page);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('说一说家里每个人');
  await expect(page.getByRole('group', { name: '第 3 位', exact: true })).toBeVisible();
});

test('going back keeps the answers, and a change leads back to a new result', async ({ page, javaScriptEnabled }) => {
  await openCheck(page);
  await answerCheck(page, POLICY_EXAMPLE);
  if (javaScriptEnabled) {
    // The phone's back button steps back through the check.
    await page.goBack();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('最近有没有突然遇到难事？');
    await expect(page.getByLabel('没有', { exact: true })).toBeChecked();
    await page.goForward();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('估算结果');
  }
  await page.getByRole('button', { name: '修改 家里有多少存款和财产？' }).click();
  await expect(page.getByLabel('存款、理财等合计')).toHaveValue('10000');
  await page.getByLabel('存款、理财等合计').fill('900000');
  await next(page);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('估算结果');
  await expect(page.locator('section.programme[data-programme="dibao"]')).toHaveAttribute('data-status', 'ineligible');
  await expect(page.getByText('平均每人的存款等是 ¥900,000，不能超过 ¥23,520 — 不符合').first()).toBeAttached();
  await page.getByRole('button', { name: '修改 家里有多少存款和财产？' }).click();
  await page.getByRole('button', { name: '返回上一步' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('每个人每月有多少收入？');
  await expect(person(page, 0).getByLabel(INCOME_LABELS.pension)).toHaveValue('300');
});

test('the page and the API give the same answers for the same households', async ({ page, javaScriptEnabled }) => {
  const posts = [];
  page.on('request', (request) => {
    if (request.method() === 'POST' && new URL(request.url()).pathname === '/check') posts.push(request.url());
  });
  for (const household of [POLICY_EXAMPLE, RURAL_FAMILY, FIRE_TONIGHT]) {
    await openCheck(page);
    await answerCheck(page, household);
    expect(await resultCards(page)).toEqual(await apiCards(page, household));
  }
  // With JS the answers above are the WASM's own: no page was worked out by the server.
  expect(posts.length).toBe(javaScriptEnabled ? 0 : 21);
  // The emergency household is told to call first and how fast help comes.
  await expect(page.getByText('情况危急：申请后 2 小时内先给予救助')).toBeVisible();
  await expect(page.locator('section.programme[data-programme="temporary_emergency"]')).toContainText(
    '2 小时内先行救助，最多 ¥1,960',
  );
});

test('from a handbook page the check leads with that programme, in English too', async ({ page, baseURL }) => {
  await visit(page, '/policies/dibao');
  await page.getByRole('link', { name: '测一测我能不能办' }).click();
  await expect(page.getByText('您从“低保（最低生活保障：每月发的生活钱）”的介绍来')).toBeVisible();
  await answerCheck(page, POLICY_EXAMPLE);
  await expect(page.locator('section.programme').first()).toHaveAttribute('data-programme', 'dibao');
  await expect(page.locator('section.programme').first()).toContainText('您要查的这一项');

  await page.context().addCookies([{ name: 'lang', value: 'en', url: baseURL }]);
  await visit(page, '/check');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Check what help your household may get');
  await page.getByRole('button', { name: 'Start now' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Where do you live, and how many of you live together?');
});

test('once opened, the self-check works with no network at all', async ({ page, javaScriptEnabled }) => {
  test.skip(!javaScriptEnabled, 'the check runs offline in the browser, which needs JS');
  await openCheck(page);
  await page.evaluate(() => navigator.serviceWorker.ready.then(() => true));
  await page.reload({ waitUntil: 'networkidle' });
  expect(await page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);

  await page.context().setOffline(true);
  await openCheck(page);
  await answerCheck(page, POLICY_EXAMPLE);
  await expect(page.locator('section.programme[data-programme="tekun"]')).toContainText('估计每月约 ¥1,424');
});
