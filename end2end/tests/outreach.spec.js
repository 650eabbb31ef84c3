// The volunteers' outreach desk (/outreach): applications taken on a shared phone with no signal,
// sealed on the phone, and sent exactly once when the network returns, even across a server
// killed mid-sync. The desk's pages are the self-check's and the application's own, built in the
// browser, so the steps are the application tests' (application.js).
import { test, expect, expectAccessible, signIn, planOutreachEvent } from './support.js';
import { RURAL_FAMILY, FIRE_TONIGHT, answerCheck } from './households.js';
import { saveAndContinue, fillApplicant, agree, giveConsents, applicantConfirms } from './application.js';
import { writeFileSync } from 'node:fs';
import { OwnServer } from './own-server.js';

const heading = (page) => page.getByRole('heading', { level: 1 });
const PIN = '246810';

// An elderly man on a small pension, raising his 9-year-old grandson.
const GRANDFATHER = {
  area: 'rural',
  people: [{ age: 72, incomes: { pension: 200 } }, { age: 9, ticks: ['student'] }],
  assets: { financial: 3000, vehicles: 0, houses: 1 },
  expenses: { medical: 2000, housing: false },
  emergency: null,
};

// 2×2 pixels: a PNG the phone shrinks (re-encodes as JPEG) and the server decodes again.
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAEElEQVR4nGP4z8AARAwQCgAf7gP9i18U1AAAAABJRU5ErkJggg==',
  'base64',
);

/** The residents, typed on the phone; none of this may be found in the phone's storage. */
const RESIDENTS = {
  fire: { name: '王火生', phone: '13800138101' },
  rural: { name: '李山根', phone: '13800138102' },
  elderly: { name: '孙守田', phone: '13800138103' },
  unfinished: { name: '赵未完', phone: '13800138104' },
};
const SECRETS = [...Object.values(RESIDENTS).flatMap((r) => [r.name, r.phone]), '11010519491231002X', '任城区某街道'];

/** A phone of its own (cookies, storage, service worker), on the test's own server. */
async function newPhone(browser, server) {
  const context = await browser.newContext({
    baseURL: server.url,
    viewport: { width: 360, height: 740 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    locale: 'zh-CN',
  });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (error) => errors.push(error.message));
  return { context, page, errors };
}

async function unlock(page, { first = false } = {}) {
  await expect(heading(page)).toHaveText(first ? '设一个 6 位数字的密码' : '输入您的密码');
  await page.getByLabel('密码（6 位数字）').fill(PIN);
  if (first) await page.getByLabel('再输一次密码').fill(PIN);
  await page.getByRole('button', { name: '打开' }).click();
  await expect(heading(page)).toHaveText('上门办理（志愿者）');
}

/** From the desk's start screen through the self-check to the application's first page. */
async function startResident(page, household) {
  await page.getByRole('button', { name: '开始帮一位居民申请' }).click();
  await answerCheck(page, household);
  await page.getByRole('button', { name: '用这些回答申请' }).click();
}

/** The programmes page: the self-check's estimate ticked what may fit (or, for an emergency, nothing need be). */
async function keepProgrammes(page) {
  await expect(heading(page)).toHaveText('要申请哪些救助？');
  await saveAndContinue(page);
}

async function sealAndReadCode(page) {
  await expect(heading(page)).toHaveText('请核对您的申请');
  await expectAccessible(page);
  await page.getByRole('button', { name: '提交申请' }).click();
  await expect(heading(page)).toHaveText('申请已经加密保存');
  const code = await page.locator('[data-receipt-code]').innerText();
  expect(code).toMatch(/^[0-9A-F]{4}-[0-9A-F]{4}$/);
  await expectAccessible(page);
  await page.getByRole('button', { name: '帮下一位居民' }).click();
  await expect(heading(page)).toHaveText('上门办理（志愿者）');
  return code;
}

/** Everything the origin keeps: IndexedDB, the Cache API and localStorage, as text. */
async function storedText(page) {
  return page.evaluate(async () => {
    const out = [];
    const show = (v) => JSON.stringify(v, (_, x) => (x instanceof Uint8Array ? Array.from(x) : x));
    for (const { name } of await indexedDB.databases()) {
      const db = await new Promise((resolve, reject) => {
        const open = indexedDB.open(name);
        open.onsuccess = () => resolve(open.result);
        open.onerror = () => reject(open.error);
      });
      for (const store of db.objectStoreNames) {
        const rows = await new Promise((resolve) => {
          const r = db.transaction(store).objectStore(store).getAll();
          r.onsuccess = () => resolve(r.result);
        });
        out.push(`${name}/${store}: ${show(rows)}`);
      }
      db.close();
    }
    for (const name of await caches.keys()) {
      const cache = await caches.open(name);
      for (const request of await cache.keys()) {
        const response = await cache.match(request);
        out.push(`${name} ${request.url}: ${await response.text()}`);
      }
    }
    for (let i = 0; i < localStorage.length; i++) out.push(localStorage.key(i) + localStorage.getItem(localStorage.key(i)));
    for (let i = 0; i < sessionStorage.length; i++) out.push(sessionStorage.key(i) + sessionStorage.getItem(sessionStorage.key(i)));
    return out.join('\n');
  });
}

/** How many records wait in the phone's queue (the damaged one included). */
async function queued() {
  const db = await new Promise((resolve) => {
    const open = indexedDB.open('jsj-outreach');
    open.onsuccess = () => resolve(open.result);
  });
  const count = await new Promise((resolve) => {
    const r = db.transaction('queue').objectStore('queue').count();
    r.onsuccess = () => resolve(r.result);
  });
  db.close();
  return count;
}

async function expectNothingReadable(page) {
  const text = await storedText(page);
  expect(text).toContain('jsj-outreach/queue');
  for (const secret of SECRETS) expect(text, `"${secret}" kept in plain text`).not.toContain(secret);
}

test('without JavaScript the desk says what it needs and offers the online application', async ({ page, javaScriptEnabled }) => {
  test.skip(javaScriptEnabled, 'the desk itself is tested below');
  await signIn(page, 'e2e.volunteer');
  await page.goto('/outreach');
  await expect(heading(page)).toHaveText('上门办理（志愿者）');
  await expect(page.locator('[data-outreach="no-js"]')).toContainText('开着 JavaScript');
  await expectAccessible(page);
  await page.getByRole('link', { name: '在线帮居民申请' }).click();
  await expect(heading(page)).toHaveText('测一测：您家可能得到哪些帮助');
});

test('three applications taken with no signal arrive once each, across a server killed mid-sync', async ({ browser, javaScriptEnabled }) => {
  test.skip(!javaScriptEnabled, 'the outreach desk runs in the browser');
  test.setTimeout(300_000);
  const server = new OwnServer(10);
  await server.start();
  const supervisor = await newPhone(browser, server);
  const volunteer = await newPhone(browser, server);
  const { page, context } = volunteer;
  try {
    const { volunteerCode, eventCode } = await planOutreachEvent(supervisor.page);

    // Signed in once on a good network: the desk, its bundle and outreach.js are kept.
    await signIn(page, 'e2e.volunteer');
    await page.getByRole('link', { name: '打开上门办理（没有信号也能用）' }).click();
    await page.waitForLoadState('networkidle');
    await page.evaluate(() => navigator.serviceWorker.ready.then(() => true));
    await page.reload({ waitUntil: 'networkidle' });
    await expect
      .poll(() => page.evaluate(async () => {
        const kept = await Promise.all(['/outreach', '/outreach.js', '/pkg/portal-outreach.wasm', '/pkg/portal-outreach.js']
          .map((url) => caches.match(url)));
        return kept.every(Boolean);
      }), { timeout: 20_000 })
      .toBe(true);
    await unlock(page, { first: true });
    await expect(page.getByText(eventCode)).toBeVisible();
    // The phone's space is shown, and the browser was asked to keep the records.
    await expect(page.locator('[data-space]')).toContainText('MB');
    await expectAccessible(page);

    await context.setOffline(true);

    // 1. A fire tonight: an emergency. A wrong check digit is said as the box is left, as on /apply.
    await startResident(page, FIRE_TONIGHT);
    await page.getByLabel('申请人身份证号').fill('110105194912310021');
    await page.getByLabel('申请人身份证号').blur();
    await expect(page.locator('#id_number-error')).toHaveText('身份证号最后一位校验不对，请核对。');
    await fillApplicant(page, RESIDENTS.fire.name, RESIDENTS.fire.phone);
    await expect(page.getByText(/提交后 2 小时内先给予救助/)).toBeVisible();
    await saveAndContinue(page);
    await page.getByLabel('材料都准备好了，没有缺的').check();
    await saveAndContinue(page);
    await expect(heading(page)).toHaveText('拍照上传材料');
    await saveAndContinue(page);
    await giveConsents(page, [/^第 1 位（35 岁）/, /^第 2 位（33 岁）/]);
    await applicantConfirms(page, RESIDENTS.fire.name);
    await expect(page.getByText(`志愿者 ${volunteerCode} 在活动 ${eventCode} 帮助填写`)).toBeVisible();
    const fireCode = await sealAndReadCode(page);

    // 2. A rural family with a document missing, and photos of two others.
    await startResident(page, RURAL_FAMILY);
    await fillApplicant(page, RESIDENTS.rural.name, RESIDENTS.rural.phone);
    await keepProgrammes(page);
    await page.getByLabel('户口簿').check();
    await saveAndContinue(page);
    await expect(heading(page)).toHaveText('拍照上传材料');
    await expectAccessible(page);
    for (const document of ['身份证', '收入证明']) {
      await page.getByLabel('这是什么材料').selectOption({ label: document });
      await page.getByLabel('选择照片，或者拍一张').setInputFiles({ name: 'photo.png', mimeType: 'image/png', buffer: PNG });
      await page.getByRole('button', { name: '上传' }).click();
      await expect(page.locator('.uploads')).toContainText(document);
    }
    await expect(page.locator('.uploads li')).toHaveCount(2);
    await saveAndContinue(page);
    await giveConsents(page, [/^第 1 位（44 岁）/, /^第 2 位（41 岁）/]);
    await applicantConfirms(page, RESIDENTS.rural.name);
    await expect(page.getByText('户口簿')).toBeVisible();
    const ruralCode = await sealAndReadCode(page);

    // 3. An elderly man with his grandson, started, then left for a moment.
    await startResident(page, GRANDFATHER);
    await fillApplicant(page, RESIDENTS.elderly.name, RESIDENTS.elderly.phone);
    await page.getByRole('button', { name: '回到首页（已保存）' }).click();
    await expect(page.getByText(`${RESIDENTS.elderly.name}，`)).toBeVisible();

    // Reloaded with no network: the service worker opens the desk, locked; the PIN opens it.
    await page.reload();
    await unlock(page);
    await expect(page.locator('[data-waiting]')).toHaveAttribute('data-waiting', '2');
    await expectNothingReadable(page);
    await page.getByRole('button', { name: '接着填' }).click();
    await keepProgrammes(page);
    await page.getByLabel('材料都准备好了，没有缺的').check();
    await saveAndContinue(page);
    await saveAndContinue(page);
    await agree(page, '申请书、诚信告知和诚信承诺（三合一）');
    await page.getByLabel(/^第 1 位（72 岁）/).check();
    await saveAndContinue(page);
    await expect(heading(page)).toHaveText('敏感个人信息');
    await expect(page.getByText(/有 14 岁以下的孩子/)).toBeVisible();
    await agree(page, '敏感个人信息');
    await agree(page, '公示');
    await applicantConfirms(page, RESIDENTS.elderly.name);
    const elderlyCode = await sealAndReadCode(page);
    await expect(page.locator('[data-waiting]')).toHaveAttribute('data-waiting', '3');

    // A record damaged on the phone (here: a byte of a copy of the first changed) and a copy of
    // the second as it will be sent, to send again after it arrived.
    const again = await page.evaluate(async () => {
      const db = await new Promise((resolve) => {
        const open = indexedDB.open('jsj-outreach');
        open.onsuccess = () => resolve(open.result);
      });
      const rows = await new Promise((resolve) => {
        const r = db.transaction('queue').objectStore('queue').getAll();
        r.onsuccess = () => resolve(r.result);
      });
      const damaged = { ...rows[0], client_id: crypto.randomUUID(), receipt_code: 'DEAD-BEEF' };
      delete damaged.seq;
      const middle = Math.floor(damaged.data.length / 2);
      damaged.data = damaged.data.slice(0, middle) + (damaged.data[middle] === 'A' ? 'B' : 'A') + damaged.data.slice(middle + 1);
      await new Promise((resolve) => {
        const tx = db.transaction('queue', 'readwrite');
        tx.objectStore('queue').add(damaged);
        tx.oncomplete = resolve;
      });
      const { client_id, key, iv, data } = rows[1];
      return { client_id, key, iv, data };
    });

    // 4. A resident whose application is not finished when the volunteer hands the phone on.
    await startResident(page, GRANDFATHER);
    await fillApplicant(page, RESIDENTS.unfinished.name, RESIDENTS.unfinished.phone);
    await page.getByRole('button', { name: '回到首页（已保存）' }).click();
    await expectNothingReadable(page);

    // The network returns; the server is killed with kill -9 as the first record arrives (sent by
    // the page or by the service worker's Background Sync, whichever goes first).
    await context.setOffline(false);
    await expect.poll(() => page.evaluate(queued), { intervals: [50], timeout: 30_000 }).toBeLessThan(4);
    await server.kill();
    await server.start();
    await page.getByRole('button', { name: '现在发送' }).click();
    await expect(page.locator('[data-waiting]')).toHaveAttribute('data-waiting', '0', { timeout: 60_000 });
    for (const code of [fireCode, ruralCode, elderlyCode]) {
      await expect(page.locator(`[data-arrived="${code}"]`)).toBeVisible();
    }
    await expect(page.locator('[data-refused="sealed_invalid"]')).toContainText('DEAD-BEEF');
    await expectAccessible(page);

    // Each arrived once: one text each, with the reference and access code (a text the killed
    // server had claimed goes when its claim runs out); sent again, a record answers its first
    // receipt and stores nothing.
    for (const resident of [RESIDENTS.fire, RESIDENTS.rural, RESIDENTS.elderly]) {
      await expect.poll(() => server.sms(resident.phone), { timeout: 60_000 }).toHaveLength(1);
      expect((await server.sms(resident.phone))[0]).toMatch(/JSJ-\d{4}-\d{6}/);
    }
    const [first, second] = await page.evaluate(async (record) => {
      const send = () => fetch('/outreach/sync', {
        method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(record),
      }).then((r) => r.json());
      return [await send(), await send()];
    }, again);
    expect(second).toEqual(first);
    await page.goto('/staff/events');
    await expect(page.locator('table[data-sent]')).toHaveAttribute('data-sent', '3');
    await expect(page.locator(`[data-reference="${first.reference}"]`)).toHaveCount(1);
    expect(await server.sms(RESIDENTS.rural.phone)).toHaveLength(1);

    // The photos arrived with the rural family's application.
    await signIn(supervisor.page, 'e2e.supervisor');
    await supervisor.page.goto(`/staff/cases/${first.reference}`);
    await expect(supervisor.page.locator(`a[href^="/staff/cases/${first.reference}/uploads/"]`)).toHaveCount(2);

    // Handed on: a second volunteer signs in on the same phone and finds nothing of the first's.
    await page.goto('/staff');
    await page.getByRole('button', { name: '退出登录' }).click();
    await signIn(page, 'e2e.helper');
    await page.goto('/outreach', { waitUntil: 'networkidle' });
    await unlock(page, { first: true });
    await expect(page.getByText(RESIDENTS.unfinished.name)).toHaveCount(0);
    await expect(page.getByRole('button', { name: '接着填' })).toHaveCount(0);
    await expectNothingReadable(page);
    // Locked (by hand here; by itself after 5 idle minutes): the PIN is asked again.
    await page.getByRole('button', { name: '锁上手机' }).click();
    await expect(heading(page)).toHaveText('输入您的密码');
    await page.getByLabel('密码（6 位数字）').fill('135790');
    await page.getByRole('button', { name: '打开' }).click();
    await expect(page.locator('[data-problem="pin_wrong"]')).toBeVisible();
    await unlock(page);
    expect(volunteer.errors).toEqual([]);
  } finally {
    writeFileSync(test.info().outputPath('server.log'), server.log());
    await server.stop();
    await supervisor.context.close().catch(() => {});
    await context.close().catch(() => {});
  }
});
