// 济时救 outreach: what the volunteer's phone keeps, sealed, and how it sends it.
//
// The application pages themselves are the Rust island (app/src/outreach); this file is the part
// the browser already does well and the WASM would only wrap: IndexedDB, WebCrypto, fetch. Plain
// JS on purpose: the service worker loads the same file (importScripts) to send the queue from
// Background Sync where the browser has it. It shows no text: every word the volunteer reads
// comes from the translations, through the island.
//
// What is kept, per IndexedDB store (nothing personal in plain text anywhere):
//   pins:    per volunteer: a random salt and a check value sealed under the PIN's key
//   drafts:  per volunteer: residents in progress, AES-GCM under the PIN's key (held in memory
//            only while unlocked; locked after IDLE_MS without a touch)
//   queue:   finished applications, AES-GCM under a fresh key wrapped to the bureau's RSA key:
//            this phone can no longer read them. In the order they were finished.
//   arrived: receipt codes of what the server signed for, kept a week for the volunteer to see
//   meta:    the server's receipt key (public), so the service worker can verify receipts too
(function (scope) {
  'use strict';

  const DB_NAME = 'jsj-outreach';
  const DB_VERSION = 1;
  const SYNC_URL = '/outreach/sync';
  const IDLE_MS = 5 * 60 * 1000;
  const PBKDF2_ROUNDS = 310000;
  const ARRIVED_KEPT_MS = 7 * 24 * 3600 * 1000;
  const BACKOFF_MS = [2000, 5000, 15000, 30000, 60000, 120000, 300000];
  const PIN_CHECK = 'jishijiu-outreach-pin-check';
  const RECEIPT_PREFIX = 'jishijiu-outreach-receipt';
  const enc = new TextEncoder();
  const dec = new TextDecoder();

  // --- IndexedDB ---------------------------------------------------------------------------------
  let dbPromise = null;
  function db() {
    if (!dbPromise) {
      dbPromise = new Promise((resolve, reject) => {
        const open = scope.indexedDB.open(DB_NAME, DB_VERSION);
        open.onupgradeneeded = () => {
          const d = open.result;
          d.createObjectStore('pins', { keyPath: 'volunteer' });
          d.createObjectStore('drafts', { keyPath: 'id' }).createIndex('volunteer', 'volunteer');
          d.createObjectStore('queue', { keyPath: 'seq', autoIncrement: true }).createIndex('client_id', 'client_id', { unique: true });
          d.createObjectStore('arrived', { keyPath: 'client_id' });
          d.createObjectStore('meta', { keyPath: 'name' });
        };
        open.onsuccess = () => resolve(open.result);
        open.onerror = () => reject(open.error);
      });
    }
    return dbPromise;
  }

  function done(tx) {
    return new Promise((resolve, reject) => {
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error || new Error('aborted'));
    });
  }

  function req(r) {
    return new Promise((resolve, reject) => {
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => reject(r.error);
    });
  }

  async function all(store, index, key) {
    const tx = (await db()).transaction(store, 'readonly');
    const source = index ? tx.objectStore(store).index(index) : tx.objectStore(store);
    return req(key === undefined ? source.getAll() : source.getAll(key));
  }

  async function put(store, value) {
    const tx = (await db()).transaction(store, 'readwrite');
    tx.objectStore(store).put(value);
    await done(tx);
  }

  // --- bytes -------------------------------------------------------------------------------------
  function b64(bytes) {
    const u = new Uint8Array(bytes);
    let s = '';
    for (let i = 0; i < u.length; i += 0x8000) s += String.fromCharCode.apply(null, u.subarray(i, i + 0x8000));
    return btoa(s);
  }

  function unb64(text) {
    const s = atob(text);
    const u = new Uint8Array(s.length);
    for (let i = 0; i < s.length; i++) u[i] = s.charCodeAt(i);
    return u;
  }

  const subtle = () => scope.crypto.subtle;
  const random = (n) => scope.crypto.getRandomValues(new Uint8Array(n));

  // --- the PIN and the drafts' key ----------------------------------------------------------------
  // Held here only: never stored, never extractable. Dropped on lock, sign-out or idle.
  let session = null; // { volunteer, key }
  let idleTimer = null;
  let onLocked = null;

  async function pinKey(pin, salt) {
    const material = await subtle().importKey('raw', enc.encode(pin), 'PBKDF2', false, ['deriveKey']);
    return subtle().deriveKey(
      { name: 'PBKDF2', hash: 'SHA-256', salt, iterations: PBKDF2_ROUNDS },
      material,
      { name: 'AES-GCM', length: 256 },
      false,
      ['encrypt', 'decrypt'],
    );
  }

  async function sealWith(key, text, aad) {
    const iv = random(12);
    const data = await subtle().encrypt({ name: 'AES-GCM', iv, additionalData: enc.encode(aad) }, key, enc.encode(text));
    return { iv: b64(iv), data: b64(data) };
  }

  async function openWith(key, sealed, aad) {
    const plain = await subtle().decrypt(
      { name: 'AES-GCM', iv: unb64(sealed.iv), additionalData: enc.encode(aad) },
      key,
      unb64(sealed.data),
    );
    return dec.decode(plain);
  }

  async function hasPin(volunteer) {
    const tx = (await db()).transaction('pins', 'readonly');
    return (await req(tx.objectStore('pins').get(volunteer))) !== undefined;
  }

  /** Unlocks this volunteer's drafts; sets the PIN the first time. False for a wrong PIN. */
  async function unlock(volunteer, pin) {
    const tx = (await db()).transaction('pins', 'readonly');
    const known = await req(tx.objectStore('pins').get(volunteer));
    let key;
    if (known) {
      key = await pinKey(pin, known.salt);
      try {
        if ((await openWith(key, known.check, volunteer)) !== PIN_CHECK) return false;
      } catch {
        return false;
      }
    } else {
      const salt = random(16);
      key = await pinKey(pin, salt);
      await put('pins', { volunteer, salt, check: await sealWith(key, PIN_CHECK, volunteer) });
    }
    session = { volunteer, key };
    touch();
    return true;
  }

  function lock() {
    session = null;
    if (idleTimer) clearTimeout(idleTimer);
    idleTimer = null;
    if (onLocked) onLocked();
  }

  function touch() {
    if (!session) return;
    if (idleTimer) clearTimeout(idleTimer);
    idleTimer = setTimeout(lock, IDLE_MS);
  }

  function whenLocked(callback) {
    onLocked = callback;
  }

  function unlocked() {
    if (!session) throw new Error('locked');
    return session;
  }

  /** A new PIN for a volunteer who forgot theirs: their drafts (unreadable without it) go. */
  async function forgetPin(volunteer) {
    const d = await db();
    const drafts = await all('drafts', 'volunteer', volunteer);
    const tx = d.transaction(['pins', 'drafts'], 'readwrite');
    tx.objectStore('pins').delete(volunteer);
    drafts.forEach((r) => tx.objectStore('drafts').delete(r.id));
    await done(tx);
    if (session && session.volunteer === volunteer) lock();
  }

  // --- drafts --------------------------------------------------------------------------------
  async function drafts() {
    const { volunteer, key } = unlocked();
    const rows = await all('drafts', 'volunteer', volunteer);
    const out = [];
    for (const row of rows) {
      try {
        out.push({ id: row.id, updated: row.updated, work: await openWith(key, row, row.id) });
      } catch {
        // Sealed under another PIN of this volunteer's (after a forgotten PIN): not readable.
      }
    }
    out.sort((a, b) => a.updated - b.updated);
    return JSON.stringify(out);
  }

  async function saveDraft(id, text) {
    const { volunteer, key } = unlocked();
    touch();
    const sealed = await sealWith(key, text, id);
    await put('drafts', { id, volunteer, updated: Date.now(), iv: sealed.iv, data: sealed.data });
  }

  async function dropDraft(id) {
    const tx = (await db()).transaction('drafts', 'readwrite');
    tx.objectStore('drafts').delete(id);
    await done(tx);
  }

  // --- sealing a finished application to the bureau ------------------------------------------------
  function receiptCode(clientId) {
    const hex = clientId.replace(/-/g, '').slice(0, 8).toUpperCase();
    return hex.slice(0, 4) + '-' + hex.slice(4);
  }

  /**
   * Seals a finished application (JSON text) with a fresh AES-GCM key wrapped to the bureau's
   * RSA-OAEP key, queues it and drops its draft in one transaction. Answers the receipt code.
   */
  async function seal(draftId, text, sealKeySpki) {
    unlocked();
    const clientId = scope.crypto.randomUUID();
    const bureau = await subtle().importKey('spki', unb64(sealKeySpki), { name: 'RSA-OAEP', hash: 'SHA-256' }, false, ['wrapKey']);
    const fresh = await subtle().generateKey({ name: 'AES-GCM', length: 256 }, true, ['encrypt']);
    const iv = random(12);
    const data = await subtle().encrypt({ name: 'AES-GCM', iv, additionalData: enc.encode(clientId) }, fresh, enc.encode(text));
    const wrapped = await subtle().wrapKey('raw', fresh, bureau, { name: 'RSA-OAEP' });
    const code = receiptCode(clientId);
    const tx = (await db()).transaction(['queue', 'drafts'], 'readwrite');
    tx.objectStore('queue').add({
      client_id: clientId,
      receipt_code: code,
      key: b64(wrapped),
      iv: b64(iv),
      data: b64(data),
      state: 'waiting',
      reason: null,
      problems: [],
      created: Date.now(),
    });
    tx.objectStore('drafts').delete(draftId);
    await done(tx);
    return code;
  }

  // --- the queue -------------------------------------------------------------------------------
  async function queue() {
    const rows = await all('queue');
    const now = Date.now();
    const arrived = (await all('arrived')).filter((r) => now - r.arrived_at < ARRIVED_KEPT_MS);
    return JSON.stringify({
      waiting: rows.filter((r) => r.state === 'waiting').map((r) => r.receipt_code),
      refused: rows
        .filter((r) => r.state === 'refused')
        .map((r) => ({ client_id: r.client_id, receipt_code: r.receipt_code, reason: r.reason, problems: r.problems })),
      arrived: arrived.sort((a, b) => b.arrived_at - a.arrived_at).map((r) => r.receipt_code),
    });
  }

  async function removeRefused(clientId) {
    const d = await db();
    const tx = d.transaction('queue', 'readwrite');
    const store = tx.objectStore('queue');
    const seq = await req(store.index('client_id').getKey(clientId));
    if (seq !== undefined) {
      const row = await req(store.get(seq));
      if (row && row.state === 'refused') store.delete(seq);
    }
    await done(tx);
  }

  async function rememberReceiptKey(spki) {
    await put('meta', { name: 'receipt_key', value: spki });
  }

  async function verifyReceipt(receipt, clientId, spki) {
    if (!receipt || receipt.client_id !== clientId || typeof receipt.reference !== 'string' ||
        typeof receipt.received_at !== 'string' || typeof receipt.signature !== 'string') return false;
    const key = await subtle().importKey('spki', unb64(spki), { name: 'ECDSA', namedCurve: 'P-256' }, false, ['verify']);
    const message = [RECEIPT_PREFIX, clientId, receipt.reference, receipt.received_at].join('\n');
    try {
      return await subtle().verify({ name: 'ECDSA', hash: 'SHA-256' }, key, unb64(receipt.signature), enc.encode(message));
    } catch {
      return false;
    }
  }

  async function settle(row, change) {
    const tx = (await db()).transaction(['queue', 'arrived'], 'readwrite');
    if (change.arrived) {
      tx.objectStore('queue').delete(row.seq);
      tx.objectStore('arrived').put({ client_id: row.client_id, receipt_code: row.receipt_code, arrived_at: Date.now() });
    } else {
      tx.objectStore('queue').put(Object.assign({}, row, change));
    }
    await done(tx);
  }

  /** Sends one record; answers what became of it. */
  async function sendOne(row, spki) {
    let response;
    try {
      response = await fetch(SYNC_URL, {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ client_id: row.client_id, key: row.key, iv: row.iv, data: row.data }),
      });
    } catch {
      return 'offline';
    }
    let answer = null;
    try {
      answer = await response.json();
    } catch {
      answer = null;
    }
    if (response.ok) {
      if (await verifyReceipt(answer, row.client_id, spki)) {
        await settle(row, { arrived: true });
        return 'arrived';
      }
      // Not the bureau's signature: keep it, and say so; it is sent again later.
      return 'receipt_invalid';
    }
    if (response.status === 401 || response.status === 403) return 'sign_in';
    const code = answer && typeof answer.error === 'string' ? answer.error : '';
    if (response.status === 400 || response.status === 409 || response.status === 422) {
      const problems = answer && Array.isArray(answer.errors)
        ? answer.errors.map((e) => String(e.field || '') + ':' + String(e.code || '')).slice(0, 20)
        : [];
      await settle(row, { state: 'refused', reason: code || 'refused', problems });
      return 'refused';
    }
    return 'retry';
  }

  let syncing = null;
  let retryTimer = null;
  let failures = 0;
  let listeners = [];

  /**
   * Sends the waiting records one by one, in order, with the receipt key given (or the one kept).
   * A refused record is set aside and the next goes on. Answers the outcome:
   * { arrived, refused, stopped: null | 'offline' | 'sign_in' | 'retry' | 'receipt_invalid' }.
   */
  async function sync(spki) {
    if (syncing) return syncing;
    syncing = (async () => {
      if (spki) await rememberReceiptKey(spki);
      else {
        const tx = (await db()).transaction('meta', 'readonly');
        const kept = await req(tx.objectStore('meta').get('receipt_key'));
        spki = kept && kept.value;
      }
      const outcome = { arrived: 0, refused: 0, stopped: null };
      if (!spki) return JSON.stringify(Object.assign(outcome, { stopped: 'sign_in' }));
      const run = async () => {
        const rows = (await all('queue')).filter((r) => r.state === 'waiting');
        for (const row of rows) {
          const result = await sendOne(row, spki);
          if (result === 'arrived') outcome.arrived++;
          else if (result === 'refused') outcome.refused++;
          else {
            outcome.stopped = result;
            break;
          }
        }
      };
      // One sender at a time across tabs and the service worker, where the browser can say so.
      if (scope.navigator && scope.navigator.locks) await scope.navigator.locks.request('jsj-outreach-sync', run);
      else await run();
      const tx = (await db()).transaction('arrived', 'readwrite');
      const now = Date.now();
      (await req(tx.objectStore('arrived').getAll()))
        .filter((r) => now - r.arrived_at >= ARRIVED_KEPT_MS)
        .forEach((r) => tx.objectStore('arrived').delete(r.client_id));
      await done(tx);
      return JSON.stringify(outcome);
    })();
    try {
      const result = await syncing;
      schedule(JSON.parse(result));
      listeners.forEach((l) => l(result));
      return result;
    } finally {
      syncing = null;
    }
  }

  /** Tries again later after a network or server failure, waiting longer each time. */
  function schedule(outcome) {
    if (retryTimer) clearTimeout(retryTimer);
    retryTimer = null;
    if (outcome.stopped === 'offline' || outcome.stopped === 'retry' || outcome.stopped === 'receipt_invalid') {
      const wait = BACKOFF_MS[Math.min(failures, BACKOFF_MS.length - 1)];
      failures++;
      retryTimer = setTimeout(() => sync().catch(() => {}), wait);
    } else {
      failures = 0;
    }
    if (outcome.stopped && scope.registration === undefined && scope.navigator && scope.navigator.serviceWorker) {
      // Background Sync where it exists: the browser wakes the service worker when the network returns.
      scope.navigator.serviceWorker.ready
        .then((reg) => reg.sync && reg.sync.register('jsj-outreach'))
        .catch(() => {});
    }
  }

  function whenSynced(callback) {
    listeners = [callback];
  }

  // --- space on the phone ------------------------------------------------------------------------
  async function storage() {
    const s = scope.navigator.storage;
    const estimate = s && s.estimate ? await s.estimate() : {};
    const persisted = s && s.persisted ? await s.persisted() : false;
    return JSON.stringify({ used: estimate.usage || 0, quota: estimate.quota || 0, persisted });
  }

  async function persist() {
    const s = scope.navigator.storage;
    return Boolean(s && s.persist && (await s.persist()));
  }

  // --- photos, shrunk on the phone -------------------------------------------------------------------
  const PHOTO_EDGE = 1600;
  const PHOTO_QUALITY = 0.72;

  /** The photo chosen in the input, at most PHOTO_EDGE pixels on its long side, as JPEG base64. */
  async function shrink(input) {
    const file = input && input.files && input.files[0];
    if (!file) return '';
    const bitmap = await createImageBitmap(file);
    const scale = Math.min(1, PHOTO_EDGE / Math.max(bitmap.width, bitmap.height));
    const canvas = document.createElement('canvas');
    canvas.width = Math.round(bitmap.width * scale);
    canvas.height = Math.round(bitmap.height * scale);
    canvas.getContext('2d').drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    bitmap.close();
    const blob = await new Promise((resolve) => canvas.toBlob(resolve, 'image/jpeg', PHOTO_QUALITY));
    input.value = '';
    return blob ? b64(await blob.arrayBuffer()) : '';
  }

  scope.jsjOutreach = {
    hasPin, unlock, lock, touch, whenLocked, forgetPin,
    drafts, saveDraft, dropDraft, seal,
    queue, removeRefused, sync, whenSynced,
    storage, persist, shrink,
  };

  if (scope.document) {
    // Any touch of the page keeps it unlocked; the network's return sends the queue.
    ['pointerdown', 'keydown', 'input'].forEach((type) => scope.addEventListener(type, touch, { passive: true }));
    scope.addEventListener('online', () => sync().catch(() => {}));
    // The page, its bundle and this file are kept for the day offline (see sw.js).
    if (scope.navigator.serviceWorker) {
      scope.navigator.serviceWorker.ready
        .then((reg) => reg.active && reg.active.postMessage('jsj-keep-outreach'))
        .catch(() => {});
    }
    scope.dispatchEvent(new Event('jsj-outreach-ready'));
  }
})(self);
