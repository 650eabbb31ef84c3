// The application's pages as a person answers them, shared by the application tests (/apply) and
// the outreach desk's (/outreach), which builds the same pages in the browser.
import { expect } from './support.js';

const heading = (page) => page.getByRole('heading', { level: 1 });

export async function saveAndContinue(page) {
  await page.getByRole('button', { name: '保存并继续' }).click();
}

export async function fillApplicant(page, name, phone = '138 0013 8000') {
  await expect(heading(page)).toHaveText('申请人是谁？');
  await page.getByLabel('申请人姓名').fill(name);
  await page.getByLabel('申请人身份证号').fill('11010519491231002X');
  await page.getByLabel('申请人手机号').fill(phone);
  await page.getByLabel('户籍所在县（市、区）').selectOption({ label: '任城区' });
  await page.getByLabel('现在住在哪里').fill('任城区某街道 1 号');
  await saveAndContinue(page);
}

export async function agree(page, title) {
  await expect(heading(page)).toHaveText(title);
  await page.getByRole('radio', { name: '同意', exact: true }).check();
  await saveAndContinue(page);
}

/** The consent pages every application has, for the adults given by their labels. */
export async function giveConsents(page, adults) {
  await agree(page, '申请书、诚信告知和诚信承诺（三合一）');
  await expect(heading(page)).toHaveText('家庭经济状况核对授权');
  for (const adult of adults) await page.getByLabel(adult).check();
  await saveAndContinue(page);
  await agree(page, '敏感个人信息');
  await agree(page, '公示');
}

/** The applicant's own confirmation, on an application someone fills in for them. */
export async function applicantConfirms(page, name) {
  await expect(heading(page)).toHaveText('请申请人本人确认');
  await page.getByLabel('申请人请写下自己的姓名').fill(name);
  await page.getByRole('radio', { name: '同意', exact: true }).check();
  await saveAndContinue(page);
}
