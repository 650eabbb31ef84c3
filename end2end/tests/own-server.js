// A portal server of a test's own (the release build, a fresh SQLite database, one staff account
// per role as start-server.sh makes them, and a second volunteer (e2e.helper)), for a test that kills the
// server while a phone talks to it and starts it again on the same database. Its texts go to an
// SMS sink of its own (sms-sink.js on the next port: the suite's sink drops a message id it has
// seen, and this server's outbox counts from 1 too), read with `sms(phone)`.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, openSync, closeSync, rmSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { STAFF_PASSWORD, STAFF_TOTP_SECRET } from './support.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const binary = path.join(root, 'target', 'release', 'server');
const basePort = Number(process.env.PORTAL_E2E_PORT || 3217);

export class OwnServer {
  /** `offset` picks a port beside the suite's (the suite's server is on +0, its SMS sink on +1). */
  constructor(offset) {
    this.port = basePort + offset;
    this.url = `http://127.0.0.1:${this.port}`;
    this.data = mkdtempSync(path.join(tmpdir(), 'portal-e2e-'));
    this.env = {
      ...process.env,
      PORTAL_SMS_WEBHOOK_URL: `http://127.0.0.1:${this.port + 1}/sms`,
      DATABASE_URL: `sqlite://${this.data}/portal.db`,
      PORTAL_SITE_ROOT: path.join(root, 'target', 'site'),
      PORTAL_CONTENT_DIR: path.join(root, 'content'),
      PORTAL_ADDR: `127.0.0.1:${this.port}`,
      PORTAL_DATA_KEY_FILE: path.join(this.data, 'data.key'),
      PORTAL_OUTREACH_KEY_FILE: path.join(this.data, 'outreach.key'),
      PORTAL_UPLOAD_DIR: path.join(this.data, 'uploads'),
      PORTAL_NEW_PASSWORD: STAFF_PASSWORD,
      PORTAL_SUBMISSIONS_PER_HOUR_PER_CLIENT: '100000',
      PORTAL_SUBMISSIONS_PER_DAY_PER_PHONE: '100000',
      PORTAL_LOGIN_ATTEMPTS_PER_MINUTE: '1000',
      // A server killed mid-send leaves its claimed texts to the next start after this (the
      // shortest the setting takes), not after the default five minutes.
      PORTAL_SMS_LEASE_SECONDS: '30',
    };
    execFileSync(binary, ['migrate'], { env: this.env, stdio: 'ignore' });
    // Every staff sign-in asks for a code of an authenticator app: the accounts have theirs set
    // up already, with the secret signIn() computes codes from, as start-server.sh does it.
    const withApp = { ...this.env, PORTAL_NEW_TOTP_SECRET: STAFF_TOTP_SECRET };
    for (const [user, role] of [['volunteer', 'volunteer'], ['helper', 'volunteer'], ['supervisor', 'supervisor']]) {
      execFileSync(binary, ['create-user', '--username', `e2e.${user}`, '--display-name', `测试${user}`,
        '--role', role, '--county', 'rencheng'], { env: withApp, stdio: 'ignore' });
    }
    this.child = null;
    this.sink = spawn('node', [path.join(root, 'end2end', 'sms-sink.js'), String(this.port + 1)], { stdio: 'ignore' });
  }

  /** The texts this server sent to a phone so far, oldest first. */
  async sms(phone) {
    const response = await fetch(`http://127.0.0.1:${this.port + 1}/messages?to=${encodeURIComponent(phone)}`);
    if (!response.ok) throw new Error(`the SMS sink answered ${response.status}`);
    return (await response.json()).map((message) => message.text);
  }

  /** Starts serving and waits until it is ready. */
  async start() {
    const log = openSync(path.join(this.data, 'server.log'), 'a');
    const child = spawn(binary, ['serve'], { env: this.env, stdio: ['ignore', log, log] });
    closeSync(log);
    this.child = child;
    for (let i = 0; i < 300; i++) {
      // Another process on the port would answer for it: a server that exited did not start.
      if (child.exitCode !== null) throw new Error(`the test server exited with ${child.exitCode}`);
      try {
        if ((await fetch(`${this.url}/readyz`)).ok) return;
      } catch {
        // Not listening yet.
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error('the test server did not start');
  }

  /** kill -9: no chance to finish anything. */
  async kill() {
    const child = this.child;
    this.child = null;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }

  /** What the server logged, across its starts. */
  log() {
    try {
      return readFileSync(path.join(this.data, 'server.log'), 'utf8');
    } catch {
      return '';
    }
  }

  async stop() {
    await this.kill();
    this.sink.kill();
    rmSync(this.data, { recursive: true, force: true });
  }
}
