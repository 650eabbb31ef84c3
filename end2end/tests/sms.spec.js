import { randomUUID } from 'node:crypto';
import { test, expect, smsTo } from './support.js';

test('the receipt SMS reaches the gateway with the reference and access code', async ({ request, javaScriptEnabled }) => {
  test.skip(!javaScriptEnabled, 'no page is involved: once is enough');
  // A phone of its own, so other tests' messages do not mix in.
  const phone = `139${String(Date.now()).slice(-8)}`;
  const response = await request.post('/api/v1/applications', {
    headers: { 'idempotency-key': randomUUID() },
    data: {
      applicant: { name: '短信测试', id_number: '11010519491231002X', phone, county: '任城区', address: '任城区某街道 1 号' },
      submitted_by: { type: 'self' },
      household: {
        area: 'urban',
        members: [{
          age: 67, disability_grade: null, disability_kind: null, serious_illness: false, can_work: false,
          employed: false, student: false, has_able_supporter: false, self_care: 'full',
          incomes: [{ kind: 'pension', monthly: 300.0 }],
        }],
        assets: { financial: 10000.0, vehicles_value: 0.0, houses_owned: 1 },
        rigid_expenses_12m: 0.0, housing_difficulty: false, special_hardship: false, emergency: null,
      },
      programmes: ['dibao'],
      emergency: null,
      consents: {
        three_in_one: true, verification_authorizations: [0], sensitive_information: true,
        public_notice: true, applicant_confirmed: true,
      },
      missing_documents: [],
    },
  });
  expect(response.status()).toBe(201);
  const { reference, access_code: code } = await response.json();
  await expect.poll(() => smsTo(phone), { timeout: 10_000 }).toEqual([
    expect.stringMatching(new RegExp(`${reference}.*${code}|${code}.*${reference}`, 's')),
  ]);
});
