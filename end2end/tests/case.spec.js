// The caseworkers' console and the resident's tracking page, side by side: each step staff take
// shows on the resident's timeline; an emergency shows its clock; other counties and volunteers
// cannot open the case.
import { test, expect, expectAccessible, STAFF_PASSWORD, signIn, holdMeeting } from './support.js';

function application(phone, emergency = null) {
  return {
    applicant: { name: '张三', id_number: '11010519491231002X', phone, county: '任城区', address: '任城区某街道 1 号' },
    submitted_by: { type: 'self' },
    household: {
      area: 'urban',
      members: [{ age: 67, incomes: [{ kind: 'pension', monthly: 300 }] }],
      assets: { financial: 10000, vehicles_value: 0, houses_owned: 1 },
    },
    programmes: ['dibao'],
    emergency,
    consents: { three_in_one: true, verification_authorizations: [0], sensitive_information: true, public_notice: true },
    missing_documents: ['household_register'],
  };
}

async function submit(request, phone, emergency) {
  const response = await request.post('/api/v1/applications', {
    headers: { 'Idempotency-Key': crypto.randomUUID() },
    data: application(phone, emergency),
  });
  expect(response.status()).toBe(201);
  return response.json();
}

/** The resident opens their case as they would from the SMS. */
async function residentSees(page, receipt, status) {
  await page.goto(`/track?reference=${receipt.reference}`);
  await page.getByLabel('查询码').fill(receipt.access_code);
  await page.getByRole('button', { name: '查看' }).click();
  await expect(page.getByText(`现在：${status}`)).toBeVisible();
}

/** Opens a step on the case page, fills it and sends it. */
async function takeStep(page, name, fill = async () => {}) {
  const exact = new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
  const step = page.locator('details.case-action', { has: page.locator('summary', { hasText: exact }) });
  // A step that came back refused is open already.
  if ((await step.getAttribute('open')) === null) await step.locator('summary').click();
  await fill(step);
  await step.getByRole('button', { name }).click();
  await expect(page.locator('.notice[role=status]')).toContainText(`已办理：${name}`);
}

test('a case goes from submitted to approved, and the resident sees every step', async ({ page, secondPhone: resident }) => {
  test.setTimeout(120_000);
  const receipt = await submit(page.request, '13900000001');
  await residentSees(resident, receipt, '已提交');
  await expectAccessible(resident);

  await signIn(page, 'e2e.caseworker');
  await page.getByRole('link', { name: receipt.reference }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`案件 ${receipt.reference}`);
  await expect(page.getByText('按规则重新测算')).toBeVisible();
  await expectAccessible(page);

  await takeStep(page, '受理', async (step) => step.getByLabel('说明（可以不写）').fill('材料容缺受理'));
  await residentSees(resident, receipt, '已受理');
  await expect(resident.getByText('材料容缺受理')).toBeVisible();
  await expect(resident.getByText(/决定：最晚 .* 前作出批准或不批准的决定/)).toBeVisible();

  await takeStep(page, '开始核对家庭经济状况');
  await residentSees(resident, receipt, '核对家庭经济状况');
  await takeStep(page, '核对完成，安排入户调查');
  await residentSees(resident, receipt, '入户调查');
  await takeStep(page, '记录入户调查（两名工作人员）', async (step) => {
    await step.getByLabel('第二位入户人员的用户名').fill('e2e.supervisor');
    await step.getByLabel('第二位入户人员的密码').fill(STAFF_PASSWORD);
  });
  await expect(page.getByText('办理人：e2e.caseworker、e2e.supervisor')).toBeVisible();
  await residentSees(resident, receipt, '评议审核');

  // Messages reach the resident's page.
  await page.getByLabel('写一条留言').fill('评议通过了，下周一开始公示。');
  await page.getByRole('button', { name: '发送留言' }).click();
  await expect(page.locator('.notice[role=status]')).toContainText('留言已发出');
  await residentSees(resident, receipt, '评议审核');
  await expect(resident.getByText('评议通过了，下周一开始公示。')).toBeVisible();

  // The caseworker is not offered the decision; the supervisor decides, with a written reason.
  await expect(page.locator('summary', { hasText: /^批准$/ })).toHaveCount(0);
  await takeStep(page, '提交一事一议', async (step) => step.getByLabel('理由（必须写）').fill('收入刚过线，家中有重病人'));
  await residentSees(resident, receipt, '一事一议');
  // She tells the hardship in her own words, for the meeting.
  await resident.getByLabel('家里遇到了什么困难').fill('老伴住院三个月，花了四万多，家里没有别的收入。');
  await resident.getByRole('button', { name: '交给工作人员' }).click();
  await expect(resident.locator('[data-hardship-sent]')).toBeVisible();
  await expectAccessible(resident);
  await page.context().clearCookies();
  await signIn(page, 'e2e.supervisor');
  await page.goto(`/staff/cases/${receipt.reference}`);
  const approve = page.locator('details.case-action', { has: page.locator('summary', { hasText: /^批准$/ }) });
  await approve.locator('summary').click();
  await approve.getByRole('button', { name: '批准', exact: true }).click();
  await expect(page.getByRole('alert')).toContainText('请写明理由');
  await expectAccessible(page);
  // Not before the meeting's record: the meeting decides, the record shows it.
  const early = page.locator('details.case-action', { has: page.locator('summary', { hasText: /^批准$/ }) });
  if ((await early.getAttribute('open')) === null) await early.locator('summary').click();
  await early.getByLabel('理由（必须写）').fill('一事一议通过');
  await early.getByRole('button', { name: '批准', exact: true }).click();
  await expect(page.getByRole('alert')).toContainText('要先登记议事会的会议记录');
  await expect(page.locator('[data-hardship]')).toContainText('老伴住院三个月');
  await holdMeeting(page, '同意救助');
  await expectAccessible(page);
  await takeStep(page, '批准', async (step) => step.getByLabel('理由（必须写）').fill('一事一议通过，按低保标准救助'));
  await residentSees(resident, receipt, '已批准');
  await expect(resident.getByText('一事一议通过，按低保标准救助')).toBeVisible();
  await expectAccessible(resident);
});

test('an emergency shows its 2-hour clock at the top of the queue', async ({ page, javaScriptEnabled }) => {
  if (javaScriptEnabled) await page.clock.install();
  const receipt = await submit(page.request, '13900000002', { kind: 'fire', urgency: 'critical' });
  await signIn(page, 'e2e.caseworker');
  const item = page.locator('.queue-item', { hasText: receipt.reference });
  await expect(item).toContainText('急难：2 小时内先行救助');
  await expect(item.locator('.clock')).toHaveText(/还剩 (1 小时 5\d|2 小时 0) 分/);
  await expect(page.locator('.queue-item').first()).toHaveClass(/queue-urgent/);
  await expectAccessible(page);
  if (javaScriptEnabled) {
    // The clock keeps running on the page.
    await page.clock.fastForward('02:10:00');
    await expect(item.locator('.clock')).toHaveText(/已超时 0 小时 \d+ 分/);
  }
  await item.getByRole('link', { name: receipt.reference }).click();
  await expect(page.locator('.clock')).toBeVisible();
  await takeStep(page, '记录先行救助', async (step) => {
    await step.getByLabel('先行救助金额（元）').fill('800');
    await step.getByLabel('说明（可以不写）').fill('送去棉被和 800 元');
  });
  // The amount recorded, as the case shows it (the form's hint names it too, with what is left).
  await expect(page.getByText('¥800', { exact: true })).toBeVisible();
});

test('a resident withdraws their own application, and the case shows it was theirs', async ({ page, secondPhone: resident }) => {
  const receipt = await submit(page.request, '13900000004');
  await residentSees(resident, receipt, '已提交');
  // Folded away so that nobody withdraws by accident: it opens on a tap.
  await resident.locator('details.withdraw summary').click();
  // Without the confirmation box nothing happens, and the page says why beside it.
  await resident.getByRole('button', { name: '撤回申请' }).click();
  await expect(resident.getByText('要撤回，请先勾选“我确认要撤回这份申请”。').first()).toBeVisible();
  await resident.getByLabel('撤回的原因（可以不写）').fill('家里情况好转了');
  await resident.getByLabel('我确认要撤回这份申请').check();
  await resident.getByRole('button', { name: '撤回申请' }).click();
  await expect(resident.getByText('您的申请已经撤回，工作人员不再办理。以后需要帮助，可以重新申请。')).toBeVisible();
  await expect(resident.getByText('现在：已撤回')).toBeVisible();
  await expect(resident.getByRole('button', { name: '撤回申请' })).toHaveCount(0);
  await expectAccessible(resident);

  await signIn(page, 'e2e.caseworker');
  await page.goto(`/staff/cases/${receipt.reference}`);
  const timeline = page.locator('ol.timeline').first();
  await expect(timeline).toContainText('申请人本人');
  await expect(timeline).toContainText('家里情况好转了');
});

for (const username of ['e2e.other-county', 'e2e.volunteer']) {
  test(`${username} cannot open a Rencheng case`, async ({ page }) => {
    const receipt = await submit(page.request, '13900000003');
    await signIn(page, username);
    const response = await page.goto(`/staff/cases/${receipt.reference}`);
    expect(response.status()).toBe(403);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('您不能查看这个案件');
    await expect(page.getByText('11010519491231002X')).toHaveCount(0);
  });
}
