import { test, expect, expectAccessible, expectFailedResponse, planOutreachEvent } from './support.js';
import { POLICY_EXAMPLE, RURAL_FAMILY, FIRE_TONIGHT, openCheck, answerCheck } from './households.js';
import { saveAndContinue, fillApplicant, agree, giveConsents, applicantConfirms } from './application.js';

const heading = (page) => page.getByRole('heading', { level: 1 });

/** A real PNG, made here so the test needs no file. */
function photo() {
  return Buffer.from(PNG_BASE64, 'base64');
}
// 2×2 pixels is enough to be a PNG the server decodes and re-encodes.
const PNG_BASE64 =
  'iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAEElEQVR4nGP4z8AARAwQCgAf7gP9i18U1AAAAABJRU5ErkJggg==';

/** From a finished self-check to the first page of the application. */
async function startFromCheck(page, household) {
  await openCheck(page);
  await answerCheck(page, household);
  await page.getByRole('button', { name: '用这些回答申请' }).click();
  await expect(heading(page)).toHaveText('谁在填写这份申请？');
  await expectAccessible(page);
}

async function submitAndConfirm(page) {
  await expect(heading(page)).toHaveText('请核对您的申请');
  await expectAccessible(page);
  await page.getByRole('button', { name: '提交申请' }).click();
  await expect(heading(page)).toHaveText('申请已提交');
  await expect(page.locator('#reference')).toHaveText(/^JSJ-\d{4}-\d{6}$/);
  await expect(page.locator('#access-code')).toHaveText(/^\d{8}$/);
  await expect(page.locator('.qr svg')).toBeVisible();
  await expectAccessible(page);
}

test('a resident applies for themselves with a document still missing', async ({ page, javaScriptEnabled }) => {
  // The longest journey of the suite (every page of the check and the application, an upload and
  // the tracking page): it took 29 s of the default 30 on a loaded two-core machine.
  test.setTimeout(90_000);
  await startFromCheck(page, POLICY_EXAMPLE);
  await page.getByRole('radio', { name: /^申请人本人/ }).check();
  await saveAndContinue(page);

  // A wrong check digit is explained beside the field; the typed value stays.
  await expect(heading(page)).toHaveText('申请人是谁？');
  await page.getByLabel('申请人身份证号').fill('110105194912310021');
  if (javaScriptEnabled) {
    // With WASM the check digit is checked on leaving the box, before anything is sent.
    await page.waitForLoadState('networkidle');
    await page.getByLabel('申请人身份证号').blur();
    await expect(page.locator('#id_number-error')).toHaveText('身份证号最后一位校验不对，请核对。');
  }
  await saveAndContinue(page);
  await expect(page.getByRole('alert')).toContainText('有');
  await expect(page.getByText('身份证号最后一位校验不对，请核对。').first()).toBeVisible();
  await expect(page.getByLabel('申请人身份证号')).toHaveValue('110105194912310021');
  await expectAccessible(page);
  await fillApplicant(page, '张三');

  await expect(heading(page)).toHaveText('要申请哪些救助？');
  // The self-check's estimate ticked what may fit.
  await expect(page.getByRole('checkbox', { name: /^特困人员救助供养/ })).toBeChecked();
  await expect(page.getByText('自测估算：可能符合，每月约 ¥1,424')).toBeVisible();
  await saveAndContinue(page);

  await expect(heading(page)).toHaveText('哪些材料现在还拿不出来？');
  await page.getByLabel('户口簿').check();
  await saveAndContinue(page);

  // A photo of the ID card goes up (shrunk in the browser with JS); a renamed program does not.
  await expect(heading(page)).toHaveText('拍照上传材料');
  await expectAccessible(page);
  await page.getByLabel('这是什么材料').selectOption({ label: '身份证' });
  await page.getByLabel('选择照片，或者拍一张').setInputFiles({ name: 'id.png', mimeType: 'image/png', buffer: photo() });
  await page.getByRole('button', { name: '上传' }).click();
  await expect(page.locator('.uploads')).toContainText('身份证');
  expectFailedResponse(page, /\/upload$/);
  await page.getByLabel('这是什么材料').selectOption({ label: '户口簿' });
  await page.getByLabel('选择照片，或者拍一张').setInputFiles({
    name: 'photo.jpg', mimeType: 'image/jpeg', buffer: Buffer.from('MZ\x90\x00 this is a program, not a photo'),
  });
  await page.getByRole('button', { name: '上传' }).click();
  await expect(page.getByRole('alert')).toContainText('这个文件不是照片或 PDF');
  await expect(page.locator('.uploads li')).toHaveCount(1);
  await saveAndContinue(page);

  // Refusing a consent says what happens, and nothing goes further.
  await expect(heading(page)).toHaveText('申请书、诚信告知和诚信承诺（三合一）');
  await expectAccessible(page);
  await page.getByText('阅读全文').click();
  await expect(page.getByText(/1 倍以上 3 倍以下的罚款/)).toBeVisible();
  await page.getByRole('radio', { name: /^不同意/ }).check();
  await saveAndContinue(page);
  await expect(page.getByText(/没有这项同意，网上申请不能提交/)).toBeVisible();
  await giveConsents(page, [/^第 1 位（67 岁）/]);

  await expect(page.getByText('户口簿')).toBeVisible();
  await expect(page.getByText(/110\*{13}2X/)).toBeVisible();
  await submitAndConfirm(page);
  const confirmation = page.url();

  // The QR code's link opens the tracking page; with the access code it shows the case, and
  // the missing document as a to-do.
  const reference = await page.locator('#reference').innerText();
  const code = await page.locator('#access-code').innerText();
  await page.getByRole('link', { name: /\/track\?reference=/ }).click();
  await expect(heading(page)).toHaveText('查办理进度');
  await expect(page.getByLabel('受理编号')).toHaveValue(reference);
  await page.getByLabel('查询码').fill('00000000');
  await page.getByRole('button', { name: '查看' }).click();
  await expect(page.getByRole('alert')).toContainText('没有找到这份申请');
  await page.getByLabel('受理编号').fill(reference);
  await page.getByLabel('查询码').fill(code);
  await page.getByRole('button', { name: '查看' }).click();
  await expect(heading(page)).toHaveText(`申请 ${reference}`);
  await expect(page.getByText('现在：已提交')).toBeVisible();
  await expect(page.locator('.todo')).toContainText('户口簿');
  await expect(page.getByText(/受理：最晚/)).toBeVisible();
  await expectAccessible(page);

  // The 三合一 and her authorisation print prefilled, to sign or show at the window.
  await page.getByRole('link', { name: '打印申请书（三合一）和授权书' }).click();
  const application = page.locator('[data-document="three-in-one"]');
  await expect(application).toContainText('张三');
  await expect(application).toContainText('11010519491231002X');
  await expect(application).toContainText('1 倍以上 3 倍以下的罚款');
  await expect(page.locator('[data-document="authorisation"]')).toHaveCount(1);
  await expectAccessible(page);

  // Where to take the missing papers: from the confirmation page, the windows of her township.
  await page.goto(confirmation);
  await page.locator('a[data-windows-link]').click();
  await page.getByLabel('县（市、区）').selectOption({ label: '任城区' });
  await page.getByRole('button', { name: '查找窗口' }).click();
  await page.getByLabel('乡镇（街道）').selectOption('李营街道');
  await page.getByRole('button', { name: '查找窗口' }).click();
  await expect(page.locator('article[data-village="东村"]')).toBeVisible();
  await expectAccessible(page);
});

test('a daughter applies for her family, and the applicant confirms', async ({ page }) => {
  await startFromCheck(page, RURAL_FAMILY);
  await page.getByRole('radio', { name: /^家人代办/ }).check();
  await page.getByLabel('代办人姓名').fill('李小红');
  await page.getByLabel('代办人手机号').fill('13900139000');
  await page.getByLabel('和申请人是什么关系').fill('女儿');
  await saveAndContinue(page);
  await fillApplicant(page, '李大山');
  await saveAndContinue(page);
  await expect(heading(page)).toHaveText('哪些材料现在还拿不出来？');
  await page.getByLabel('材料都准备好了，没有缺的').check();
  await saveAndContinue(page);
  await expect(heading(page)).toHaveText('拍照上传材料');
  await saveAndContinue(page);

  await agree(page, '申请书、诚信告知和诚信承诺（三合一）');
  // Both adults sign; the 12-year-old does not.
  await page.getByLabel(/^第 1 位（44 岁）/).check();
  await saveAndContinue(page);
  await expect(page.getByText('家里每位成年人（18 岁以上）都要签家庭经济状况核对授权。').first()).toBeVisible();
  await page.getByLabel(/^第 2 位（41 岁）/).check();
  await saveAndContinue(page);
  await expect(heading(page)).toHaveText('敏感个人信息');
  await expect(page.getByText(/有 14 岁以下的孩子/)).toBeVisible();
  await agree(page, '敏感个人信息');
  await agree(page, '公示');

  await applicantConfirms(page, '李大山');
  await expect(page.getByText('家人代办：李小红（女儿）')).toBeVisible();
  await submitAndConfirm(page);
});

test('a volunteer helps a family whose home burnt down tonight', async ({ page, secondPhone }) => {
  // The supervisor planned the event with this volunteer on it.
  const { volunteerCode, eventCode } = await planOutreachEvent(secondPhone);
  await startFromCheck(page, FIRE_TONIGHT);
  await page.getByRole('radio', { name: /^志愿者帮助填写/ }).check();
  await page.getByLabel('志愿者编号').fill(volunteerCode.toLowerCase());
  // A code nobody gave out is said beside its field at once.
  await page.getByLabel('活动编号').fill('E-2026-9999');
  await saveAndContinue(page);
  await expect(page.locator('[data-problem="unknown_event"]')).toBeVisible();
  await page.getByLabel('活动编号').fill(eventCode);
  await saveAndContinue(page);
  await fillApplicant(page, '王五');
  await expect(page.getByText(/提交后 2 小时内先给予救助/)).toBeVisible();
  await saveAndContinue(page);
  await page.getByLabel('身份证', { exact: true }).check();
  await saveAndContinue(page);
  await expect(heading(page)).toHaveText('拍照上传材料');
  await saveAndContinue(page);
  await giveConsents(page, [/^第 1 位（35 岁）/, /^第 2 位（33 岁）/]);
  await applicantConfirms(page, '王五');
  await expect(page.getByText(`志愿者 ${volunteerCode} 在活动 ${eventCode} 帮助填写`)).toBeVisible();
  await submitAndConfirm(page);
  await expect(page.getByText(/您报告了急难情况：最晚 \d{2}:\d{2}/)).toBeVisible();
});

test('the application start page leads into the self-check', async ({ page }) => {
  await page.goto('/apply?policy=dibao');
  await expectAccessible(page);
  await expect(heading(page)).toHaveText('申请救助');
  await page.getByRole('link', { name: '先做自测，再申请' }).click();
  await expect(page).toHaveURL(/\/check\?policy=dibao$/);
});
