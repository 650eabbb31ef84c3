import { test, expect, visit, expectAccessible } from './support.js';

test('the handbook lists 38 policies and a search narrows them', async ({ page }) => {
  await visit(page, '/');
  await page.getByRole('link', { name: /看政策/ }).click();
  await expect(page).toHaveURL(/\/policies$/);
  await expectAccessible(page);
  await expect(page.locator('.policy-item')).toHaveCount(38);
  await page.getByLabel('搜索政策').fill('医疗');
  await page.getByRole('button', { name: '搜索', exact: true }).click();
  await expect(page).toHaveURL(/q=%E5%8C%BB%E7%96%97/);
  const found = await page.locator('.policy-item').count();
  expect(found).toBeGreaterThan(0);
  expect(found).toBeLessThan(38);
  await expect(page.getByRole('status')).toHaveText(`找到 ${found} 项政策`);
  await expectAccessible(page);
});

test('filters find policies by what happened', async ({ page }) => {
  await visit(page, '/policies');
  await page.getByText('按类别、部门或遇到的情况查找').click();
  await page.getByLabel('遇到的情况').selectOption('disability');
  await page.getByRole('button', { name: '查找' }).click();
  await expect(page).toHaveURL(/situation=disability/);
  await expect(page.getByRole('link', { name: /残疾人两项补贴/ })).toBeVisible();
  await expectAccessible(page);
});

test('a policy page says what to bring and how to apply, and leads on', async ({ page }) => {
  await visit(page, '/policies?q=低保');
  await page.getByRole('link', { name: '最低生活保障（低保）' }).click();
  await expect(page).toHaveURL(/\/policies\/dibao$/);
  await expectAccessible(page);
  await expect(page.getByRole('heading', { name: '要准备的材料' })).toBeVisible();
  await expect(page.getByRole('heading', { name: '怎么申请' })).toBeVisible();
  await expect(page.getByText('户口簿')).toBeVisible();
  await expect(page.getByRole('link', { name: '测一测我能不能办' })).toHaveAttribute('href', '/check?policy=dibao');
  await expect(page.getByRole('link', { name: '申请这项救助' })).toHaveAttribute('href', '/apply?policy=dibao');
});

test('the handbook reads completely in English', async ({ page, baseURL }) => {
  await page.context().addCookies([{ name: 'lang', value: 'en', url: baseURL }]);
  await visit(page, '/policies/medical-assistance');
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await expect(page.getByRole('heading', { name: 'Documents to prepare' })).toBeVisible();
  // Legal titles keep their Chinese names; everything else is English.
  const text = await page.locator('main').innerText();
  const chinese = (text.match(/[\u4e00-\u9fff]/g) || []).length;
  expect(chinese / text.length).toBeLessThan(0.1);
});

test('with WASM the list narrows as you type; without it the search button does it', async ({ page, javaScriptEnabled }) => {
  await visit(page, '/policies');
  await expect(page.locator('.policy-item')).toHaveCount(38);
  await page.getByLabel('搜索政策').fill('残疾');
  if (javaScriptEnabled) {
    await expect(page.getByRole('status')).not.toHaveText('找到 38 项政策');
    await expect(page).toHaveURL(/\/policies\?q=%E6%AE%8B%E7%96%BE$/);
  } else {
    await page.getByRole('button', { name: '搜索', exact: true }).click();
  }
  const found = await page.locator('.policy-item').count();
  expect(found).toBeGreaterThan(0);
  expect(found).toBeLessThan(38);
  await expect(page.getByRole('status')).toHaveText(`找到 ${found} 项政策`);
  await expectAccessible(page);
});

test('read aloud is offered only where it can work', async ({ page, javaScriptEnabled }) => {
  await visit(page, '/policies/tekun-support');
  const readAloud = page.getByRole('button', { name: /朗读本页/ });
  if (javaScriptEnabled) {
    await expect(readAloud).toBeVisible();
  } else {
    await expect(readAloud).toBeHidden();
  }
});
