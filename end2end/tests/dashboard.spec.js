import { test, expect, visit, expectAccessible, signIn } from './support.js';

test('a supervisor sees cases and deadlines per county, as charts and tables', async ({ page }) => {
  await signIn(page, 'e2e.supervisor');
  await page.getByRole('link', { name: '监督看板：办件和时限' }).click();
  await expect(page).toHaveURL(/\/staff\/dashboard$/);
  await expectAccessible(page);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('监督看板');
  await expect(page.getByRole('heading', { name: '各县市区的办件情况' })).toBeVisible();
  await expect(page.getByRole('heading', { name: '时限执行情况' })).toBeVisible();
  await expect(page.getByRole('img', { name: /各县市区的申请数/ })).toBeVisible();
  const states = page.getByRole('table', { name: '各县市区、各办理阶段的申请数' });
  await expect(states).toBeVisible();
  await expect(states.getByRole('rowheader', { name: '任城区（本县）' })).toBeVisible();
  await expect(states.getByRole('rowheader', { name: '梁山县' })).toBeVisible();
  await expect(page.getByRole('table', { name: /2 小时内先行救助/ })).toBeVisible();
  await expect(page.getByRole('table', { name: /24 小时内先行救助/ })).toBeVisible();
  await expect(page.getByRole('table', { name: /按时作出决定/ })).toBeVisible();

  // The period chooser is a plain GET form.
  await page.getByLabel('统计哪段时间提交的申请').selectOption('all');
  await page.getByRole('button', { name: '显示' }).click();
  await expect(page).toHaveURL(/\/staff\/dashboard\?period=all$/);
  await expect(page.getByLabel('统计哪段时间提交的申请')).toHaveValue('all');
  await expectAccessible(page);
});

test('a caseworker gets the refusal page', async ({ page }) => {
  await signIn(page, 'e2e.caseworker');
  await expect(page.getByRole('link', { name: '监督看板：办件和时限' })).toHaveCount(0);
  const response = await visit(page, '/staff/dashboard');
  expect(response.status()).toBe(403);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('只有监督人员和管理员可以查看监督看板');
});
