// Two portal instances over one PostgreSQL, behind nginx, with the S3-compatible file store and a
// stand-in SMS gateway (scripts/lib/instances.sh starts them all). This program talks to them as
// residents, staff and partner systems would, and checks what several instances must share:
//
//   1. failed case look-ups from one client count once across both instances;
//   2. a document uploaded through one instance opens through the other;
//   3. a handbook edit saved on one instance is served by the other within seconds;
//   4. submissions through the proxy, one instance killed with SIGKILL midway: every 201 is stored
//      once (checked in the database), every receipt SMS reaches the gateway, none twice.
//
// Usage: node several-instances.mjs (settings in the environment, see `setting` below).
// Prints one line per check and the load's figures, the lost submissions and duplicate SMS beside
// their budgets (bench/budgets.env); exits 1 when a check fails or a budget is missed.
import { execFileSync } from 'node:child_process';
import { createHmac, randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';
import { Budgets, readBudgets } from './budgets.mjs';

function setting(name, fallback) {
  const value = process.env[name] ?? fallback;
  if (value === undefined) {
    console.error(`${name} is not set`);
    process.exit(2);
  }
  return value;
}

const proxy = setting('INSTANCES_PROXY_URL');
const instanceA = setting('INSTANCES_A_URL');
const instanceB = setting('INSTANCES_B_URL');
const killPid = Number(setting('INSTANCES_KILL_PID'));
const sink = setting('INSTANCES_SMS_SINK_URL');
const databaseUrl = setting('INSTANCES_DATABASE_URL');
const password = setting('INSTANCES_STAFF_PASSWORD');
const totpSecret = setting('INSTANCES_TOTP_SECRET');
const submissions = Number(setting('INSTANCES_SUBMISSIONS', '500'));
const seconds = Number(setting('INSTANCES_SECONDS', '0'));
const concurrency = Number(setting('INSTANCES_CONCURRENCY', '16'));
const lookupAllowance = Number(setting('INSTANCES_LOOKUP_ALLOWANCE', '10'));
const smsWaitSeconds = Number(setting('INSTANCES_SMS_WAIT_SECONDS', '120'));
const acksFile = process.env.INSTANCES_ACKS_FILE;
const budgets = readBudgets();

let failures = 0;
function check(ok, what, detail = '') {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}${detail ? `: ${detail}` : ''}`);
  if (!ok) failures += 1;
  return ok;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// --- a §6 application with its own phone, from its own client address ---------------------------

function phoneOf(n) {
  return `139${String(10_000_000 + n).slice(-8)}`;
}

// Benchmark addresses (RFC 2544, 198.18.0.0/15): only ever written into X-Forwarded-For.
function clientOf(n) {
  return `198.18.${Math.floor(n / 250) % 250}.${(n % 250) + 1}`;
}

function application(n) {
  return JSON.stringify({
    applicant: {
      name: `多实例${n}`,
      id_number: '11010519491231002X',
      phone: phoneOf(n),
      county: '任城区',
      address: '任城区某街道 1 号',
    },
    submitted_by: { type: 'self' },
    household: {
      area: 'urban',
      members: [
        {
          age: 67, disability_grade: null, disability_kind: null, serious_illness: false,
          can_work: false, employed: false, student: false, has_able_supporter: false,
          self_care: 'full', incomes: [{ kind: 'pension', monthly: 300.0 }],
        },
      ],
      assets: { financial: 10000.0, vehicles_value: 0.0, houses_owned: 1 },
      rigid_expenses_12m: 0.0, housing_difficulty: false, special_hardship: false, emergency: null,
    },
    programmes: ['dibao'],
    emergency: null,
    consents: {
      three_in_one: true, verification_authorizations: [0], sensitive_information: true,
      public_notice: true, applicant_confirmed: true,
    },
    missing_documents: ['household_register'],
  });
}

/** Submits until a 201, retrying what a crash or the proxy answers with the same key. */
async function submit(base, n, deadline = Infinity) {
  const key = randomUUID();
  const body = application(n);
  const started = performance.now();
  let retries = 0;
  for (;;) {
    const attempt = performance.now();
    try {
      const answer = await fetch(`${base}/api/v1/applications`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'idempotency-key': key,
          'x-forwarded-for': clientOf(n),
        },
        body,
        signal: AbortSignal.timeout(15_000),
      });
      const text = await answer.text();
      if (answer.status === 201) {
        const receipt = JSON.parse(text);
        return {
          key, n, reference: receipt.reference, code: receipt.access_code,
          latency: performance.now() - attempt, endToEnd: performance.now() - started, retries,
        };
      }
      if (answer.status < 500) return { key, n, unexpected: `${answer.status} ${text.slice(0, 200)}` };
    } catch {
      // The connection broke or timed out: the instance died under it. Same key again.
    }
    retries += 1;
    if (performance.now() > deadline) return { key, n, abandoned: true };
    await sleep(50 + Math.random() * 100);
  }
}

// --- cookies and forms, as a browser without JS sends them ----------------------------------------

function sessionCookie(answer) {
  for (const line of answer.headers.getSetCookie()) {
    const pair = line.split(';')[0];
    if (pair.startsWith('__Host-portal-session=')) return pair;
  }
  return null;
}

async function postForm(base, path, fields, cookie) {
  return fetch(`${base}${path}`, {
    method: 'POST',
    redirect: 'manual',
    headers: {
      origin: base,
      referer: `${base}/`,
      accept: 'text/html',
      'content-type': 'application/x-www-form-urlencoded',
      ...(cookie ? { cookie } : {}),
    },
    body: new URLSearchParams(fields).toString(),
  });
}

/** The code an authenticator app shows for the secret at `unixSeconds` (RFC 6238, SHA-1, 6 digits). */
function totp(secret, unixSeconds) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of secret.replace(/=+$/, '')) bits += alphabet.indexOf(c).toString(2).padStart(5, '0');
  const key = Buffer.from(bits.match(/.{8}/g).map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(unixSeconds / 30)));
  const mac = createHmac('sha1', key).update(counter).digest();
  const at = mac[mac.length - 1] & 0x0f;
  return String((mac.readUInt32BE(at) & 0x7fffffff) % 1_000_000).padStart(6, '0');
}

/** Each account's time steps taken so far: a code is taken once per account, on every instance. */
const stepsTaken = new Map();

/** A code of a step not yet taken for the account (the current step or the one after). */
async function freshCode(username) {
  for (;;) {
    const now = Date.now() / 1000;
    const taken = stepsTaken.get(username) ?? new Set();
    stepsTaken.set(username, taken);
    for (const at of [now, now + 30]) {
      const step = Math.floor(at / 30);
      if (!taken.has(step)) {
        taken.add(step);
        return totp(totpSecret, at);
      }
    }
    await sleep(1000);
  }
}

/** The password, then a code of the account's app: the session cookie of the sign-in. */
async function signIn(base, username) {
  const answer = await postForm(base, '/staff/login', { username, password });
  const pending = sessionCookie(answer);
  if (!pending) throw new Error(`${username}: the password was refused on ${base}: ${answer.status}`);
  const coded = await postForm(base, '/staff/login/code', { code: await freshCode(username) }, pending);
  const cookie = sessionCookie(coded);
  if (coded.headers.get('location') !== '/staff' || !cookie) {
    throw new Error(`${username} could not sign in on ${base}: ${coded.status} ${coded.headers.get('location')}`);
  }
  return cookie;
}

// A small real PNG (an 8×8 grey square), so the upload is decoded and re-encoded for real.
function png() {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (bytes) => {
    let c = 0xffffffff;
    for (const b of bytes) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type, data) => {
    const head = Buffer.alloc(8);
    head.writeUInt32BE(data.length, 0);
    head.write(type, 4, 'ascii');
    const tail = Buffer.alloc(4);
    tail.writeUInt32BE(crc(Buffer.concat([head.subarray(4), data])), 0);
    return Buffer.concat([head, data, tail]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(8, 0);
  header.writeUInt32BE(8, 4);
  header[8] = 8; // bit depth
  header[9] = 0; // greyscale
  const rows = Buffer.concat(Array.from({ length: 8 }, () => Buffer.from([0, ...Array(8).fill(128)])));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

// --- 1. failed look-ups count once across both instances ------------------------------------------

async function lookupsAreShared(receipt) {
  const client = '198.51.100.77';
  const statuses = [];
  for (let i = 0; i <= lookupAllowance; i += 1) {
    const base = i % 2 === 0 ? instanceA : instanceB;
    const answer = await fetch(`${base}/api/v1/applications/${receipt.reference}`, {
      method: i % 4 === 1 ? 'HEAD' : 'GET',
      headers: { 'x-access-code': '00000000', 'x-forwarded-for': client },
    });
    await answer.arrayBuffer();
    statuses.push(answer.status);
  }
  const expected = [...Array(lookupAllowance).fill(404), 429];
  check(
    JSON.stringify(statuses) === JSON.stringify(expected),
    `failed look-ups from one client, alternating instances, GET and HEAD, are refused after ${lookupAllowance}`,
    statuses.join(' '),
  );
  const right = await fetch(`${instanceB}/api/v1/applications/${receipt.reference}`, {
    headers: { 'x-access-code': receipt.code, 'x-forwarded-for': '198.51.100.78' },
  });
  check(right.status === 200, 'another client with the right code still opens the case', `${right.status}`);
}

// --- 2. a document uploaded through one instance opens through the other ---------------------------

async function uploadsAreShared(receipt) {
  const opened = await postForm(instanceA, '/track', {
    reference: receipt.reference,
    access_code: receipt.code,
  });
  const cookie = sessionCookie(opened);
  if (!check(opened.status === 200 && cookie !== null, 'the resident opens the case on instance A', `${opened.status}`)) {
    return;
  }
  const form = new FormData();
  form.append('document', 'household_register');
  form.append('photo', new Blob([png()], { type: 'image/png' }), 'hukou.png');
  const uploaded = await fetch(`${instanceA}/track/cases/${receipt.reference}/upload`, {
    method: 'POST',
    redirect: 'manual',
    headers: { origin: instanceA, referer: `${instanceA}/`, cookie },
    body: form,
  });
  check(uploaded.status === 303, 'the resident uploads the missing document on instance A', `${uploaded.status}`);
  const staff = await signIn(instanceB, 'instances.caseworker');
  const file = await fetch(`${instanceB}/staff/cases/${receipt.reference}/uploads/1`, {
    headers: { cookie: staff },
  });
  const bytes = Buffer.from(await file.arrayBuffer());
  const isImage = (bytes[0] === 0xff && bytes[1] === 0xd8) || bytes.subarray(1, 4).toString() === 'PNG';
  check(file.status === 200 && isImage, 'a caseworker on instance B opens that file', `${file.status}, ${bytes.length} bytes`);
}

// --- staff identity: a code taken on one instance is refused on the other, and an account
// disabled on one instance is signed out on the other at its next request ----------------------

async function staffIdentityIsShared() {
  const now = Date.now() / 1000;
  const code = totp(totpSecret, now + 60);
  const taken = stepsTaken.get('instances.caseworker') ?? new Set();
  stepsTaken.set('instances.caseworker', taken);
  // Two steps ahead: not yet valid; wait until it is the step after the current one.
  await sleep(Math.max(0, (Math.floor(now / 30) + 1) * 30 - now) * 1000 + 200);
  taken.add(Math.floor((now + 60) / 30));
  const onA = sessionCookie(await postForm(instanceA, '/staff/login', { username: 'instances.caseworker', password }));
  const first = await postForm(instanceA, '/staff/login/code', { code }, onA);
  const onB = sessionCookie(await postForm(instanceB, '/staff/login', { username: 'instances.caseworker', password }));
  const again = await postForm(instanceB, '/staff/login/code', { code }, onB);
  check(
    first.headers.get('location') === '/staff' && again.headers.get('location') === '/staff/login/code?error=code_replayed',
    'a sign-in code taken on instance A is refused on instance B',
    `${first.headers.get('location')}, then ${again.headers.get('location')}`,
  );
  const caseworker = await signIn(instanceB, 'instances.caseworker');
  const admin = await signIn(instanceA, 'instances.admin');
  const accounts = await (await fetch(`${instanceA}/staff/accounts`, { headers: { cookie: admin } })).text();
  const id = /action="\/staff\/accounts\/(\d+)\/disable"/.exec(accounts)?.[1];
  await postForm(instanceA, `/staff/accounts/${id}/disable`, {}, admin);
  const after = await fetch(`${instanceB}/staff`, { redirect: 'manual', headers: { cookie: caseworker } });
  check(
    after.headers.get('location') === '/staff/login',
    'an account disabled on instance A is signed out on instance B at its next request',
    `${after.status} ${after.headers.get('location')}`,
  );
  await postForm(instanceA, `/staff/accounts/${id}/enable`, {}, admin);
}

// --- 3. a handbook edit on one instance is served by the other -------------------------------------

async function handbookEditsAreShared() {
  const slug = 'dibao';
  const admin = await signIn(instanceA, 'instances.admin');
  const editor = await fetch(`${instanceA}/staff/policies/${slug}`, { headers: { cookie: admin } });
  const page = await editor.text();
  const fields = {};
  for (const match of page.matchAll(/<(input|textarea)\b([^>]*)>([^<]*)/g)) {
    const attrs = match[2];
    const name = /\bname="([^"]+)"/.exec(attrs)?.[1];
    if (!name) continue;
    if (match[1] === 'textarea') {
      fields[name] = decodeEntities(match[3]);
    } else {
      const value = /\bvalue="([^"]*)"/.exec(attrs)?.[1] ?? '';
      if (/\btype="(checkbox|radio)"/.test(attrs) && !/\bchecked\b/.test(attrs)) continue;
      if (/\btype="submit"/.test(attrs)) continue;
      fields[name] = decodeEntities(value);
    }
  }
  const marker = `多实例核对 ${randomUUID().slice(0, 8)}`;
  const field = Object.keys(fields).find((name) => /^zh_.*(summary|who)/.test(name))
    ?? Object.keys(fields).find((name) => name.startsWith('zh_'));
  if (!check(field !== undefined, 'the policy editor on instance A shows the policy', `${editor.status}`)) return;
  fields[field] = `${fields[field]} ${marker}`;
  fields.note = fields.note || '多实例测试';
  const action = /<form[^>]*action="([^"]*policies\/save[^"]*)"/.exec(page)?.[1] ?? '/api/staff/policies/save';
  const saved = await postForm(instanceA, action, fields, admin);
  check(saved.status < 400, 'an administrator saves an edit on instance A', `${saved.status}`);
  const until = performance.now() + 15_000;
  let served = false;
  while (!served && performance.now() < until) {
    const text = await (await fetch(`${instanceB}/policies/${slug}`)).text();
    served = text.includes(marker);
    if (!served) await sleep(250);
  }
  check(served, 'instance B serves the edited policy within 15 s');
}

function decodeEntities(text) {
  return text
    .replaceAll('&lt;', '<').replaceAll('&gt;', '>').replaceAll('&quot;', '"')
    .replaceAll('&#39;', "'").replaceAll('&#x27;', "'").replaceAll('&amp;', '&');
}

// --- 4. submissions through the proxy, one instance killed midway ---------------------------------

async function load() {
  const acks = [];
  const other = { unexpected: 0, abandoned: 0, retries: 0 };
  let next = 0;
  let killed = false;
  const started = performance.now();
  const deadline = seconds > 0 ? started + seconds * 1000 : Infinity;
  const total = seconds > 0 ? Infinity : submissions;
  const killAt = seconds > 0 ? null : Math.floor(submissions / 2);
  const killTimer = seconds > 0
    ? setTimeout(() => { killed = kill(); }, (seconds * 1000) / 2)
    : null;
  async function worker() {
    while (next < total && performance.now() < deadline) {
      const n = next;
      next += 1;
      if (killAt !== null && n === killAt && !killed) killed = kill();
      const result = await submit(proxy, 1000 + n, deadline + 30_000);
      if (result.reference) {
        acks.push(result);
        other.retries += result.retries;
      } else if (result.abandoned) {
        other.abandoned += 1;
      } else {
        other.unexpected += 1;
        if (other.unexpected <= 5) console.error(`unexpected answer: ${result.unexpected}`);
      }
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker));
  if (killTimer) clearTimeout(killTimer);
  const elapsed = (performance.now() - started) / 1000;
  return { acks, elapsed, killed, ...other };
}

function kill() {
  try {
    process.kill(killPid, 'SIGKILL');
    console.log(`     instance B (pid ${killPid}) killed with SIGKILL`);
    return true;
  } catch (e) {
    console.error(`could not kill instance B: ${e.message}`);
    return false;
  }
}

function percentile(sorted, p) {
  if (sorted.length === 0) return 0;
  return sorted[Math.max(1, Math.ceil((sorted.length * p) / 100)) - 1];
}

function psql(sql) {
  return execFileSync('psql', ['-X', '-q', '-A', '-t', '-F', '\t', databaseUrl, '-c', sql], {
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  }).split('\n').filter((line) => line.length > 0).map((line) => line.split('\t'));
}

function everyAckStoredOnce(acks) {
  const rows = psql(
    'SELECT a.idempotency_key, a.reference, '
      + '(SELECT COUNT(*) FROM application_events e WHERE e.application_id = a.id) FROM applications a',
  );
  const byKey = new Map();
  let duplicates = 0;
  const references = new Set();
  for (const [key, reference, timeline] of rows) {
    if (byKey.has(key) || references.has(reference)) duplicates += 1;
    byKey.set(key, { reference, timeline: Number(timeline) });
    references.add(reference);
  }
  let lost = 0;
  for (const ack of acks) {
    const row = byKey.get(ack.key);
    if (!row || row.reference !== ack.reference || row.timeline === 0) {
      lost += 1;
      if (lost <= 5) console.error(`acknowledged ${ack.reference} is lost or changed`);
    }
  }
  return { stored: rows.length, lost, duplicates };
}

/** A GET of the stand-in gateway, tried again when a kept-alive connection was closed under it. */
async function sinkJson(path) {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await (await fetch(`${sink}${path}`)).json();
    } catch (e) {
      if (attempt >= 5) throw e;
      await sleep(200);
    }
  }
}

async function smsOfEveryReceipt(acks) {
  const until = performance.now() + smsWaitSeconds * 1000;
  const wanted = new Set(acks.map((ack) => ack.reference));
  let got = new Map();
  let stats = null;
  for (;;) {
    const messages = await sinkJson('/messages');
    got = new Map();
    for (const message of messages) {
      for (const reference of message.text.match(/JSJ-\d{4}-\d+/g) ?? []) {
        if (wanted.has(reference)) got.set(reference, (got.get(reference) ?? 0) + 1);
      }
    }
    stats = await sinkJson('/stats');
    if (got.size >= wanted.size || performance.now() > until) break;
    await sleep(500);
  }
  const missing = [...wanted].filter((reference) => !got.has(reference)).length;
  const twice = [...got.values()].filter((n) => n > 1).length;
  return { missing, twice, repeatedPosts: stats.repeated.length, posts: stats.posts };
}

// --- the run ------------------------------------------------------------------------------------

const first = await submit(proxy, 1);
if (!check(first.reference !== undefined, 'a submission through the proxy is acknowledged', first.unexpected ?? '')) {
  process.exit(1);
}
await lookupsAreShared(first);
await uploadsAreShared(first);
await staffIdentityIsShared();
await handbookEditsAreShared();

const run = await load();
const latencies = run.acks.map((ack) => ack.latency).sort((a, b) => a - b);
console.log(`     201 answers: ${run.acks.length} in ${run.elapsed.toFixed(1)} s, ${(run.acks.length / run.elapsed).toFixed(1)} submissions/s`);
console.log(`     latency of the 201s: p50 ${percentile(latencies, 50).toFixed(1)} ms, p99 ${percentile(latencies, 99).toFixed(1)} ms`);
console.log(`     retries after the kill: ${run.retries}; unanswered at the end: ${run.abandoned}`);
if (acksFile) {
  writeFileSync(acksFile, run.acks.map((a) => `${a.key}\t${a.reference}\t${a.latency.toFixed(1)}`).join('\n'));
}
check(run.killed, 'instance B was killed under load');
check(run.unexpected === 0, 'no unexpected answers', `${run.unexpected}`);
if (seconds === 0) {
  check(run.acks.length === submissions, 'every submission acknowledged', `${run.acks.length} of ${submissions}`);
}

const stored = everyAckStoredOnce([first, ...run.acks]);
check(stored.lost === 0 && stored.duplicates === 0, 'every 201 is in the database once',
  `${stored.stored} stored, ${stored.lost} lost, ${stored.duplicates} duplicates`);

const sms = await smsOfEveryReceipt([first, ...run.acks]);
check(sms.missing === 0, 'every receipt SMS reached the gateway', `${sms.missing} missing`);
check(sms.twice === 0 && sms.repeatedPosts === 0, 'no SMS was sent twice',
  `${sms.twice} receipts in two messages, ${sms.repeatedPosts} messages posted more than once, ${sms.posts} posts`);

// The figures with their budgets; bench/several-instances.sh adds the audit chain's.
const tally = new Budgets();
const rate = run.acks.length / run.elapsed;
const p99 = percentile(latencies, 99);
tally.none({ name: 'two instances, throughput', value: rate, shown: rate.toFixed(1), unit: 'submissions/s' });
tally.none({ name: 'two instances, p99 latency', value: p99, shown: p99.toFixed(1), unit: 'ms' });
tally.check({
  name: 'two instances, acknowledged submissions lost',
  value: stored.lost,
  budget: budgets.INSTANCES_LOST_MAX,
  direction: 'at-most',
});
tally.check({
  name: 'two instances, duplicate SMS',
  value: sms.repeatedPosts + sms.twice,
  budget: budgets.INSTANCES_DUPLICATE_SMS_MAX,
  direction: 'at-most',
});

process.exit(failures === 0 && tally.missed === 0 ? 0 : 1);
