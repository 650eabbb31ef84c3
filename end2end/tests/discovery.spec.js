// Proactive discovery at the window: a caseworker uploads a department file, starts matching,
// finds the township's visit list, reads a household's evidence and records the visit; a
// supervisor sees the funnel move. Both with JS on and off (the pages refresh themselves while
// an import or a run goes on, with no script).
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { test, expect, expectAccessible, signIn } from './support.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** The generator's small seeded set: 40 residents, 17 households, households to find in 任城区. */
function departmentFiles() {
  const dir = mkdtempSync(path.join(tmpdir(), 'jsj-discovery-'));
  execFileSync('python3', [path.join(root, 'bench/discovery/generate.py'), '--residents', '40', '--seed', '7', '--out', dir]);
  return dir;
}

async function upload(page, kindLabel, file) {
  await page.getByLabel('数据种类').selectOption({ label: kindLabel });
  await page.getByLabel('文件', { exact: true }).setInputFiles(file);
  await page.getByRole('button', { name: '导入' }).click();
  await expect(page).toHaveURL(/\/staff\/discovery\/imports\/\d+$/);
  // The report refreshes itself until the import is done.
  await expect(page.locator('[data-import][data-state="done"]')).toBeVisible({ timeout: 30_000 });
  await expectAccessible(page);
  await page.getByRole('link', { name: '回到主动发现' }).click();
}

async function funnelVisited(page) {
  await page.goto('/staff/discovery');
  return Number(await page.locator('[data-funnel-visited]').getAttribute('data-funnel-visited'));
}

test('a caseworker imports a file, visits a household from the list, and the funnel moves', async ({ page, secondPhone }, testInfo) => {
  const files = departmentFiles();
  await signIn(secondPhone, 'e2e.supervisor');
  const visitedBefore = await funnelVisited(secondPhone);

  await signIn(page, 'e2e.caseworker');
  await page.getByRole('link', { name: '主动发现：部门数据比对和入户走访' }).click();
  await expect(page).toHaveURL(/\/staff\/discovery$/);
  await expectAccessible(page);

  // A form without a kind comes back with its problem beside the field.
  await page.getByLabel('文件', { exact: true }).setInputFiles(path.join(files, 'household_register.csv'));
  await page.getByRole('button', { name: '导入' }).click();
  await expect(page.locator('.error-summary [data-problem="choose_kind"]')).toBeVisible();

  await upload(page, '户籍登记（公安）', path.join(files, 'household_register.csv'));
  await upload(page, '养老金发放（人社）', path.join(files, 'pensions.csv'));
  await upload(page, '工资收入（人社、税务）', path.join(files, 'wages.csv'));

  // The other project's run may be going on: then this one says so, and both wait for it.
  await page.getByRole('button', { name: '开始比对' }).click();
  await expect(page.locator('tr[data-run][data-state="done"]').first()).toBeVisible({ timeout: 30_000 });
  await page.goto('/staff/discovery');
  await expect(page.locator('tr[data-run][data-state="running"]')).toHaveCount(0, { timeout: 30_000 });
  await expectAccessible(page);

  // Each project visits its own township of 任城区 (the generator's fixed households: a 特困
  // household in 李营街道, a 低保 one in 古槐街道), so the two runs never take the same household.
  const township = testInfo.project.name === 'js' ? '李营街道' : '古槐街道';
  const place = page.locator(`tr[data-township="${township}"]`).first();
  await expect(place).toBeVisible();
  await place.getByRole('link', { name: township }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`${township}的走访名单`);
  await expectAccessible(page);

  const open = page.locator('tr[data-candidate][data-outcome=""]');
  await expect(open.first()).toBeVisible();
  await open.first().getByRole('link').click();
  await expect(page).toHaveURL(/\/staff\/discovery\/candidates\/\d+$/);
  await expect(page.getByText('这是根据部门数据做的估计，不是审批结果。')).toBeVisible();
  await expect(page.getByRole('table', { name: '用到的部门记录' })).toBeVisible();
  await expectAccessible(page);

  // "Not eligible" needs a reason.
  await page.getByLabel('已走访，不符合条件').check();
  await page.getByRole('button', { name: '记录走访结果' }).click();
  await expect(page.locator('.error-summary [data-problem="reason_needed"]')).toBeVisible();
  await page.getByLabel('已走访，不愿申请').check();
  await page.getByRole('button', { name: '记录走访结果' }).click();
  await expect(page.locator('[data-recorded="declined"]')).toBeVisible();

  // The supervisor sees the funnel move, on the discovery page and in the dashboard.
  expect(await funnelVisited(secondPhone)).toBeGreaterThan(visitedBefore);
  await expectAccessible(secondPhone);
  await secondPhone.goto('/staff/dashboard');
  await expect(secondPhone.getByRole('heading', { name: '从数据到救助' })).toBeVisible();
  await expect(secondPhone.locator('[data-funnel-visited]')).not.toHaveAttribute('data-funnel-visited', '0');
});

test('a resident with a wrong code is told so on the stop page', async ({ page }) => {
  await page.goto('/stop');
  await expectAccessible(page);
  await page.getByLabel('退订码').fill('ABCDEFGH');
  await page.getByRole('button', { name: '不再接收' }).click();
  await expect(page.locator('.error-summary [data-problem="unknown_code"]')).toBeVisible();
});
