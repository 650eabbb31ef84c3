import { test, expect, expectAccessible, expectFailedResponse, smsTo } from './support.js';

const heading = (page) => page.getByRole('heading', { level: 1 });

// 2×2 pixels is enough to be a PNG the server decodes and re-encodes.
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAEElEQVR4nGP4z8AARAwQCgAf7gP9i18U1AAAAABJRU5ErkJggg==',
  'base64',
);

/** An application made through the public API; its receipt. */
async function apply(request, phone, submittedBy = { type: 'self' }) {
  const response = await request.post('/api/v1/applications', {
    headers: { 'Idempotency-Key': crypto.randomUUID() },
    data: {
      applicant: { name: '张三', id_number: '11010519491231002X', phone, county: '任城区', address: '任城区某街道 1 号' },
      submitted_by: submittedBy,
      household: {
        area: 'urban',
        members: [{ age: 67, incomes: [{ kind: 'pension', monthly: 300.0 }] }],
        assets: { financial: 10000.0, vehicles_value: 0.0, houses_owned: 1 },
      },
      programmes: ['dibao'],
      emergency: null,
      consents: {
        three_in_one: true, verification_authorizations: [0], sensitive_information: true,
        public_notice: true, applicant_confirmed: true,
      },
      missing_documents: ['household_register'],
    },
  });
  expect(response.status()).toBe(201);
  return response.json();
}

/** The code of the newest one-time code SMS to the phone (the outbox is sent every 2 s). */
async function codeSentTo(phone) {
  let code;
  await expect
    .poll(async () => {
      const texts = await smsTo(phone);
      const match = [...texts].reverse().map((t) => /验证码：(\d{6})/.exec(t)).find(Boolean);
      code = match?.[1];
      return code;
    }, { timeout: 10_000 })
    .toMatch(/^\d{6}$/);
  return code;
}

/** A different phone per test and per project, so the per-phone code limits never meet. */
const phoneFor = (javaScriptEnabled, n) => `1390013${javaScriptEnabled ? '1' : '2'}${String(n).padStart(3, '0')}`;

test('a resident opens every application on their phone with an SMS code', async ({ page, request, javaScriptEnabled }) => {
  const phone = phoneFor(javaScriptEnabled, 1);
  const own = await apply(request, phone);
  // A daughter applied for her father and gave her own phone too.
  const forFather = await apply(request, phoneFor(javaScriptEnabled, 2), {
    type: 'family', name: '张小三', phone, relation: '女儿',
  });

  await page.goto('/track');
  await page.getByRole('link', { name: '没有查询码？用手机号查询' }).click();
  await expect(heading(page)).toHaveText('用手机号查询');
  await expectAccessible(page);

  await page.getByLabel('手机号').fill('1390013');
  await page.getByRole('button', { name: '发送验证码' }).click();
  await expect(page.getByRole('alert')).toContainText('手机号是 11 位数字，以 1 开头。');
  await expectAccessible(page);

  await page.getByLabel('手机号').fill(phone);
  await page.getByRole('button', { name: '发送验证码' }).click();
  await expect(heading(page)).toHaveText('输入验证码');
  await expectAccessible(page);
  const code = await codeSentTo(phone);

  await page.getByLabel('验证码').fill(code === '000000' ? '111111' : '000000');
  await page.getByRole('button', { name: '查看我的申请' }).click();
  await expect(page.getByRole('alert')).toContainText('验证码不对');
  await page.getByLabel('验证码').fill(code);
  await page.getByRole('button', { name: '查看我的申请' }).click();

  await expect(heading(page)).toHaveText('您的申请');
  await expectAccessible(page);
  await expect(page.getByRole('link', { name: `申请 ${own.reference}` })).toBeVisible();
  await expect(page.getByText('家人代办')).toBeVisible();
  await page.getByRole('link', { name: `申请 ${forFather.reference}` }).click();
  await expect(heading(page)).toHaveText(`申请 ${forFather.reference}`);
  await expect(page.getByText('现在：已提交')).toBeVisible();
  await expectAccessible(page);

  // The missing document goes up from the to-do list; a program renamed as a photo does not.
  expectFailedResponse(page, /\/upload$/);
  await page.getByLabel('拍照或选文件：户口簿').setInputFiles({
    name: 'photo.jpg', mimeType: 'image/jpeg', buffer: Buffer.from('MZ\x90\x00 this is a program, not a photo'),
  });
  await page.getByRole('button', { name: '上传' }).click();
  await expect(page.getByRole('alert')).toContainText('这个文件不是照片或 PDF');
  await expectAccessible(page);
  await page.getByLabel('拍照或选文件：户口簿').setInputFiles({ name: 'hukou.png', mimeType: 'image/png', buffer: PNG });
  await page.getByRole('button', { name: '上传' }).click();
  await expect(page.getByRole('status').filter({ hasText: '收到了您上传的户口簿' })).toBeVisible();
  await expect(page.getByText('已交，等工作人员查看：')).toBeVisible();
  await expectAccessible(page);
});

test('a case page opened in one browser does not open in another', async ({ page, secondPhone: stranger, request, javaScriptEnabled }) => {
  const receipt = await apply(request, phoneFor(javaScriptEnabled, 3));
  await page.goto('/track');
  await page.getByLabel('受理编号').fill(receipt.reference);
  await page.getByLabel('查询码').fill(receipt.access_code);
  await page.getByRole('button', { name: '查看' }).click();
  await expect(heading(page)).toHaveText(`申请 ${receipt.reference}`);
  await page.goto(`/track/cases/${receipt.reference}`);
  await expect(heading(page)).toHaveText(`申请 ${receipt.reference}`);

  const response = await stranger.goto(new URL(`/track/cases/${receipt.reference}`, page.url()).href);
  expect(response.status()).toBe(404);
  await expect(stranger.getByText('要先验证才能看申请')).toBeVisible();
});
