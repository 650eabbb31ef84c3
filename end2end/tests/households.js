// The self-check's households and the steps that answer them, shared by the check and apply tests.
import { expect, expectAccessible } from './support.js';

// Households described once, typed into the pages and sent to the API.
export const INCOME_LABELS = {
  wages: '工资（上班、打工）',
  pension: '养老金、退休金（不算国家发的基础部分）',
  farming: '种地、养殖的收入',
};
export const TICK_LABELS = {
  serious_illness: '得了重病（比如癌症、尿毒症等大病）',
  student: '正在上学',
  can_work: '能干活（有劳动能力）',
  employed: '现在有工作',
};
export const GRADE_LABELS = { 1: '一级', 2: '二级', 3: '三级', 4: '四级' };

export const POLICY_EXAMPLE = {
  area: 'urban',
  people: [{ age: 67, incomes: { pension: 300 } }],
  assets: { financial: 10000, vehicles: 0, houses: 1 },
  expenses: { medical: 0, housing: false },
  emergency: null,
};

export const RURAL_FAMILY = {
  area: 'rural',
  people: [
    { age: 44, ticks: ['can_work', 'employed'], incomes: { wages: 1500, farming: 200.5 } },
    { age: 41, ticks: ['can_work', 'serious_illness'], grade: 2 },
    { age: 12, ticks: ['student'] },
  ],
  assets: { financial: 20000, vehicles: 0, houses: 1 },
  expenses: { medical: 18000, housing: true },
  emergency: null,
};

export const FIRE_TONIGHT = {
  area: 'urban',
  people: [
    { age: 35, ticks: ['can_work', 'employed'], incomes: { wages: 6000 } },
    { age: 33, ticks: ['can_work', 'employed'], incomes: { wages: 5000 } },
  ],
  assets: { financial: 100000, vehicles: 50000, houses: 2 },
  expenses: { medical: 0, housing: false },
  emergency: { kind: 'fire', urgency: 'critical' },
};

export function apiBody(h) {
  return {
    area: h.area,
    members: h.people.map((p) => ({
      age: p.age,
      disability_grade: p.grade ?? null,
      disability_kind: null,
      serious_illness: (p.ticks ?? []).includes('serious_illness'),
      can_work: (p.ticks ?? []).includes('can_work'),
      employed: (p.ticks ?? []).includes('employed'),
      student: (p.ticks ?? []).includes('student'),
      has_able_supporter: false,
      self_care: 'full',
      incomes: Object.entries(p.incomes ?? {}).map(([kind, monthly]) => ({ kind, monthly })),
    })),
    assets: { financial: h.assets.financial, vehicles_value: h.assets.vehicles, houses_owned: h.assets.houses },
    rigid_expenses_12m: h.expenses.medical,
    housing_difficulty: h.expenses.housing,
    special_hardship: false,
    emergency: h.emergency,
  };
}

export function person(page, index) {
  return page.getByRole('group', { name: index === 0 ? /^第 1 位（您自己）/ : new RegExp(`^第 ${index + 1} 位`) });
}

export async function next(page) {
  await page.getByRole('button', { name: '继续' }).click();
}

/**
 * Opens the check. With JS it waits for the WASM: a press before it arrives is answered by the
 * server, which is right for a person but would not test the browser's answers.
 */
export async function openCheck(page, path = '/check') {
  await page.goto(path, { waitUntil: 'networkidle' });
}

/** Answers every page of the check for a household, from the start page to the result. */
export async function answerCheck(page, h, { checkEachPage = false } = {}) {
  const expectStep = async (title) => {
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(title);
    if (checkEachPage) await expectAccessible(page);
  };
  await page.getByRole('button', { name: '现在开始' }).click();

  await expectStep('您家住在哪里，有几口人？');
  await page.getByLabel(h.area === 'urban' ? '城镇（城市、县城）' : '农村').check();
  await page.getByLabel('一起生活的家人有几位（包括您自己）').fill(String(h.people.length));
  await next(page);

  await expectStep('说一说家里每个人');
  for (const [i, p] of h.people.entries()) {
    const group = person(page, i);
    await group.getByLabel('年龄').fill(String(p.age));
    if (p.grade) await group.getByLabel('残疾等级（看残疾证）').selectOption({ label: GRADE_LABELS[p.grade] });
    for (const tick of p.ticks ?? []) await group.getByLabel(TICK_LABELS[tick]).check();
  }
  await next(page);

  await expectStep('每个人每月有多少收入？');
  for (const [i, p] of h.people.entries()) {
    for (const [kind, amount] of Object.entries(p.incomes ?? {})) {
      await person(page, i).getByLabel(INCOME_LABELS[kind]).fill(String(amount));
    }
  }
  await next(page);

  await expectStep('家里有多少存款和财产？');
  await page.getByLabel('存款、理财等合计').fill(String(h.assets.financial));
  await page.getByLabel('汽车总价值').fill(String(h.assets.vehicles));
  await page.getByLabel('家里有几套住房').fill(String(h.assets.houses));
  await next(page);

  await expectStep('过去 12 个月，有哪些必须花的钱？');
  if (h.expenses.medical) await page.getByLabel('看病自己花的钱').fill(String(h.expenses.medical));
  await page.getByRole('group', { name: '住房有困难吗？' }).getByLabel(h.expenses.housing ? '是' : '否').check();
  await page.getByRole('group', { name: '还有别的特别困难吗？' }).getByLabel('否').check();
  await next(page);

  await expectStep('最近有没有突然遇到难事？');
  if (h.emergency) {
    await page.getByLabel('着火了').check();
    await page.getByLabel(/^非常急/).check();
  } else {
    await page.getByLabel('没有', { exact: true }).check();
  }
  await next(page);
  await expectStep('估算结果');
}

/** Each programme on the result page as [programme, status, amount]. */
export async function resultCards(page) {
  return page
    .locator('section.programme')
    .evaluateAll((cards) => cards.map((c) => [c.dataset.programme, c.dataset.status, c.dataset.amount ?? null]).sort());
}

export async function apiCards(page, h) {
  const response = await page.request.post('/api/v1/eligibility', { data: apiBody(h) });
  expect(response.status()).toBe(200);
  const answer = await response.json();
  return answer.programmes
    .map((p) => {
      const amount = p.monthly_amount ?? p.advance_cap ?? null;
      return [p.programme, p.status, amount === null ? null : String(amount)];
    })
    .sort();
}

