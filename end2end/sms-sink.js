// A stand-in SMS gateway for the browser tests: the portal's webhook provider posts
// {"to","text","id"} to /sms; the tests read what one phone got with GET /messages?to=<phone>
// (oldest first); GET /stats counts every post, so a message posted twice (by two instances, or
// again after a crash) shows there even though a phone gets it once. Messages are kept in memory
// only. Usage: node sms-sink.js PORT (or SMS_SINK_PORT).
import http from 'node:http';

const port = Number(process.argv[2] || process.env.SMS_SINK_PORT);
if (!Number.isInteger(port) || port <= 0) {
  console.error('usage: node sms-sink.js PORT');
  process.exit(2);
}

const messages = [];
const seen = new Set();
// Posts per outbox id, duplicates included.
const posts = new Map();
let postsWithoutId = 0;

function answer(response, status, body) {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  response.end(JSON.stringify(body));
}

const server = http.createServer((request, response) => {
  const url = new URL(request.url, 'http://sink');
  if (request.method === 'POST' && url.pathname === '/sms') {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk) => {
      body += chunk;
    });
    request.on('end', () => {
      let message;
      try {
        message = JSON.parse(body);
      } catch {
        return answer(response, 400, { error: 'not JSON' });
      }
      const { to, text, id } = message || {};
      if (typeof to !== 'string' || typeof text !== 'string') {
        return answer(response, 400, { error: 'to and text are required' });
      }
      if (id === undefined) postsWithoutId += 1;
      else posts.set(id, (posts.get(id) || 0) + 1);
      // A retried message keeps its outbox id: keep it once, as a real gateway would.
      if (id === undefined || !seen.has(id)) {
        if (id !== undefined) seen.add(id);
        messages.push({ to, text, id });
      }
      return answer(response, 200, { ok: true });
    });
    return;
  }
  if (request.method === 'GET' && url.pathname === '/messages') {
    const to = url.searchParams.get('to');
    return answer(response, 200, messages.filter((m) => to === null || m.to === to));
  }
  if (request.method === 'GET' && url.pathname === '/stats') {
    const repeated = [...posts].filter(([, n]) => n > 1).map(([id, n]) => ({ id, posts: n }));
    const total = [...posts.values()].reduce((a, n) => a + n, 0) + postsWithoutId;
    return answer(response, 200, { posts: total, messages: messages.length, repeated });
  }
  return answer(response, 404, { error: 'not found' });
});

server.listen(port, '127.0.0.1');
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.close(() => process.exit(0)));
