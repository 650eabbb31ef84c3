// 济时救 service worker: once a resident has opened the handbook, it keeps opening when the
// village network drops or hangs. Plain JS on purpose: no build step stands between this file
// and the browser.

// Bump when this file's caching rules change; activate drops every cache of another version.
// New builds of the site need no bump: pages and /pkg/ files refresh themselves (see below).
const CACHE = 'portal-v3';

const PRECACHE = [
  '/policies',
  '/help/urgent',
  '/',
  '/pkg/portal.css',
  '/pkg/portal.js',
  '/pkg/portal.wasm',
  '/favicon.svg',
  '/manifest.webmanifest',
];

// Pages that stay available offline: the reading pages, the self-check and the volunteers'
// outreach desk, whose every step runs in the browser once its page and bundle are kept. Posted
// forms, the staff area and every API are left alone: a stale answer there would be wrong.
const KEPT_PAGE = /^\/(|help\/urgent|policies|policies\/[^/]+|check|outreach)$/;
const STATIC_FILE = /^\/(pkg\/.+|favicon\.svg|manifest\.webmanifest|icon-[\w-]+\.png|robots\.txt|outreach\.js|outreach\.webmanifest)$/;

// What the outreach desk needs with no network at all. Kept only for a phone that opened the desk
// (it asks, below): residents' phones never download the volunteers' bundle.
const OUTREACH = ['/outreach', '/outreach.js', '/outreach.webmanifest', '/pkg/portal-outreach.js', '/pkg/portal-outreach.wasm', '/pkg/portal.css'];

// The desk's sealed queue is sent from here too where the browser has Background Sync: it wakes
// the worker when the network returns, even with the page closed.
importScripts('/outreach.js');

self.addEventListener('message', (event) => {
  if (event.data === 'jsj-keep-outreach') {
    event.waitUntil(
      caches.open(CACHE).then((cache) => cache.addAll(OUTREACH.map((url) => new Request(url, { cache: 'reload' })))),
    );
  }
});

self.addEventListener('sync', (event) => {
  if (event.tag === 'jsj-outreach') event.waitUntil(self.jsjOutreach.sync().then(JSON.parse).then((outcome) => {
    // Tell the browser to try again later unless it all went or needs a sign-in.
    if (outcome.stopped && outcome.stopped !== 'sign_in') throw new Error(outcome.stopped);
  }));
});

// Village networks tend to hang rather than fail; after this long a cached page beats waiting.
const NETWORK_TIMEOUT_MS = 3000;

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      // 'reload' skips the HTTP cache, so the precache never starts from a stale copy.
      .then((cache) => cache.addAll(PRECACHE.map((url) => new Request(url, { cache: 'reload' }))))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) => Promise.all(names.filter((name) => name !== CACHE).map((name) => caches.delete(name))))
      // The page that registered us should work offline now, not after its next reload.
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('fetch', (event) => {
  const { request } = event;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.startsWith('/api/') || url.pathname === '/staff' || url.pathname.startsWith('/staff/')) return;

  if (request.mode === 'navigate') {
    if (KEPT_PAGE.test(url.pathname)) event.respondWith(networkFirst(event, url));
  } else if (STATIC_FILE.test(url.pathname)) {
    event.respondWith(staleWhileRevalidate(event));
  }
});

/** Keeps a copy of a good answer. Runs beside the page, so a slow disk never delays it. */
function keep(event, request, response) {
  if (response.ok && response.type === 'basic') {
    // Cloned now, before the page starts reading the body.
    const copy = response.clone();
    event.waitUntil(caches.open(CACHE).then((cache) => cache.put(request, copy)));
  }
  return response;
}

/** Fresh pages when the network answers in time; the last copy seen when it does not. */
async function networkFirst(event, url) {
  const network = fetch(event.request).then((response) => keep(event, event.request, response));
  // Swallowed here only; whoever awaits `network` below still sees the failure.
  event.waitUntil(network.catch(() => {}));
  try {
    return await withTimeout(network, NETWORK_TIMEOUT_MS);
  } catch {
    const cache = await caches.open(CACHE);
    const cached =
      (await cache.match(event.request)) ||
      // A search seen offline for the first time (/policies?q=…) still shows the whole list.
      (url.search && (await cache.match(url.origin + url.pathname))) ||
      // A policy never opened online: the list is the best page we have, better than an error.
      (await cache.match('/policies'));
    // With nothing cached at all, waiting on is the only hope left.
    return cached || network;
  }
}

/** Instant from the cache; the copy is brought up to date for next time. */
async function staleWhileRevalidate(event) {
  const cache = await caches.open(CACHE);
  const cached = await cache.match(event.request);
  const network = fetch(event.request).then((response) => keep(event, event.request, response));
  event.waitUntil(network.catch(() => {}));
  return cached || network;
}

function withTimeout(promise, ms) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('network timeout')), ms);
    promise.then(resolve, reject).finally(() => clearTimeout(timer));
  });
}
