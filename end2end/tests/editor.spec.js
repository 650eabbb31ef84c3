import { test, expect, visit, expectAccessible, signIn } from './support.js';

test('an administrator edits a policy and residents see it at once', async ({ page }, testInfo) => {
  await signIn(page, 'e2e.admin');
  await page.getByRole('link', { name: '编辑政策手册' }).click();
  await expect(page).toHaveURL(/\/staff\/policies$/);
  await expectAccessible(page);
  // Each project edits its own policy, so the two runs do not meet.
  const slug = testInfo.project.name === 'js' ? 'legal-aid' : 'family-doctor-contract';
  await page.locator(`a[href="/staff/policies/${slug}"]`).click();
  await expectAccessible(page);
  const contact = page.locator('#zh_contact');
  const marker = `（${testInfo.project.name} 测试修改）`;
  await contact.fill((await contact.inputValue()) + marker);
  await page.getByLabel('修改说明').fill(`浏览器测试 ${testInfo.project.name}`);
  await page.getByRole('button', { name: '保存修改' }).click();
  await expect(page).toHaveURL(new RegExp(`/staff/policies/${slug}\\?saved=\\d+$`));
  await expect(page.getByRole('status')).toContainText('居民现在看到的是新内容');
  await expect(page.getByText(`浏览器测试 ${testInfo.project.name}`)).toBeVisible();

  await page.getByRole('link', { name: '查看居民看到的页面' }).click();
  await expect(page).toHaveURL(new RegExp(`/policies/${slug}$`));
  await expect(page.getByText(marker)).toBeVisible();
});

test('a caseworker cannot edit the handbook', async ({ page }) => {
  await signIn(page, 'e2e.caseworker');
  const response = await visit(page, '/staff/policies/dibao');
  expect(response.status()).toBe(403);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('只有管理员可以编辑政策手册');
});
