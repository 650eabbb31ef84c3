#!/usr/bin/env bash
# Starts the release build on a fresh SQLite database with one staff account per role (and two
# caseworkers yet to set up their authenticator app), for the browser tests. Usage: start-server.sh PORT
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
port="$1"
data="$(mktemp -d)"
# The stand-in SMS gateway (sms-sink.js) on the next port; tests read it through smsTo() in support.js.
sms_port=$((port + 1))
node "$root/end2end/sms-sink.js" "$sms_port" &
sink=$!
trap 'kill "$sink" 2>/dev/null || true; rm -rf "$data"' EXIT
for _ in $(seq 50); do
  (: >"/dev/tcp/127.0.0.1/$sms_port") 2>/dev/null && break
  sleep 0.1
done
export PORTAL_SMS_WEBHOOK_URL="http://127.0.0.1:$sms_port/sms"
export DATABASE_URL="sqlite://$data/portal.db"
export PORTAL_SITE_ROOT="$root/target/site"
export PORTAL_CONTENT_DIR="$root/content"
export PORTAL_ADDR="127.0.0.1:$port"
export PORTAL_DATA_KEY_FILE="$data/data.key"
export PORTAL_OUTREACH_KEY_FILE="$data/outreach.key"
export PORTAL_UPLOAD_DIR="$data/uploads"
export PORTAL_NEW_PASSWORD="e2e-password-2026"
# Every browser test sends from 127.0.0.1 and several reuse one phone: lift the limits on
# applications and staff sign-ins, which count whole minutes per client now that every instance
# shares them (server/tests/it/limits.rs and staff_sign_in.rs test them).
export PORTAL_SUBMISSIONS_PER_HOUR_PER_CLIENT=100000 PORTAL_SUBMISSIONS_PER_DAY_PER_PHONE=100000
export PORTAL_LOGIN_ATTEMPTS_PER_MINUTE=1000
# Passkeys are bound to a domain name, never an IP address: the passkey test reaches the portal
# as localhost (a secure context, like 127.0.0.1), the other tests as 127.0.0.1.
export PORTAL_PUBLIC_ORIGIN="http://localhost:$port"
server="$root/target/release/server"
"$server" migrate >/dev/null
# Every staff sign-in asks for a code of an authenticator app: these accounts have theirs set up
# already, with the secret the tests compute codes from (STAFF_TOTP_SECRET in tests/support.js).
totp_secret="JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
for role in volunteer caseworker supervisor admin; do
  PORTAL_NEW_TOTP_SECRET="$totp_secret" "$server" create-user --username "e2e.$role" --display-name "测试$role" \
    --role "$role" --county rencheng >/dev/null
done
# A caseworker of another county, who must not see Rencheng's cases.
PORTAL_NEW_TOTP_SECRET="$totp_secret" "$server" create-user --username "e2e.other-county" --display-name "测试other" \
  --role caseworker --county qufu >/dev/null
# A supervisor who adds a passkey and signs in with it (staff-passkey.spec.js).
PORTAL_NEW_TOTP_SECRET="$totp_secret" "$server" create-user --username "e2e.passkey" --display-name "测试passkey" \
  --role supervisor --county rencheng >/dev/null
# Caseworkers with no app yet, one per project, who set it up at their first sign-in
# (staff-identity.spec.js): no secret, whatever the calling shell has.
for project in js nojs; do
  env -u PORTAL_NEW_TOTP_SECRET "$server" create-user --username "e2e.newcomer-$project" \
    --display-name "测试newcomer-$project" --role caseworker --county rencheng >/dev/null
done
"$server" serve
