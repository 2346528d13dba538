#!/usr/bin/env bash
# Replay the curl session of docs/curl-session.md against a fresh `fapi-harness serve`,
# printing Markdown (commands and their real output). Needs curl and jq (jq only pulls
# ids and codes out of the JSON and trims the output; every request is plain curl).
#   docs/curl-session.sh [PORT] > docs/curl-session.md
#   SERVE_ARGS=--validate-responses docs/curl-session.sh 4011   # same session, self-checked
set -euo pipefail
PORT=${1:-4010}
if curl -s -m 1 "http://127.0.0.1:$PORT/" >/dev/null; then
  echo "port $PORT is already in use" >&2; exit 1
fi
WORK=$(mktemp -d)
cd "$WORK"
# shellcheck disable=SC2086  # SERVE_ARGS: extra serve flags, e.g. --validate-responses
fapi-harness serve --port "$PORT" --seed 42 --log-level warning ${SERVE_ARGS:-} >serve.log 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; wait $SERVER 2>/dev/null || true; rm -rf "$WORK"' EXIT
until curl -fs "http://127.0.0.1:$PORT/v1/environment" >/dev/null; do
  kill -0 $SERVER 2>/dev/null || { cat serve.log >&2; exit 1; }
  sleep 0.05
done

say() { printf '%s\n' "$@"; }
run() {
  say '```console' "\$ $1"
  eval "$1" 2>&1 | tr -d '\r'
  say '```' ''
}

B="http://127.0.0.1:$PORT"
say "Started with \`fapi-harness serve --port $PORT --seed 42\` (the seed makes the ids and codes" \
    "below exactly what you get). Each flow uses its own cookie jar, as a separate browser would;" \
    "codes and links are read from the admin outbox instead of a mailbox." ''

say '## 1. Password sign-up, verified by an email code' ''
run "curl -s -c up.jar -b up.jar $B/v1/client/sign_ups -d email_address=ada@example.com -d password='correct horse battery' | jq -c '.response | {id, status, missing_fields, unverified_fields}'"
SU=$(curl -s -b up.jar "$B/v1/client" | jq -r .response.sign_up.id)
run "curl -s -c up.jar -b up.jar $B/v1/client/sign_ups/$SU/prepare_verification -d strategy=email_code | jq -c '.response.verifications.email_address | {status, strategy, expire_at}'"
run "curl -s '$B/__admin/outbox/latest?to=ada@example.com' | jq -c '{to, subject, code}'"
CODE=$(curl -s "$B/__admin/outbox/latest?to=ada@example.com" | jq -r .code)
run "curl -s -c up.jar -b up.jar $B/v1/client/sign_ups/$SU/attempt_verification -d strategy=email_code -d code=000000 | jq -c '.errors[0] | {code, long_message}'"
run "curl -s -c up.jar -b up.jar $B/v1/client/sign_ups/$SU/attempt_verification -d strategy=email_code -d code=$CODE | jq -c '{status: .response.status, user: .response.created_user_id, session: .response.created_session_id, active: .client.last_active_session_id}'"
run "curl -s -b up.jar $B/v1/me | jq -c '.response | {id, email: .email_addresses[0].email_address, password_enabled}'"

say '## 2. Email-code sign-in' ''
run "curl -s -c code.jar -b code.jar $B/v1/client/sign_ins -d identifier=ada@example.com | jq -c '.response | {id, status, factors: [.supported_first_factors[].strategy]}'"
SI=$(curl -s -b code.jar "$B/v1/client" | jq -r .response.sign_in.id)
EMAIL_ID=$(curl -s -b code.jar "$B/v1/client" | jq -r '.response.sign_in.supported_first_factors[] | select(.strategy=="email_code") | .email_address_id')
run "curl -s -c code.jar -b code.jar $B/v1/client/sign_ins/$SI/prepare_first_factor -d strategy=email_code -d email_address_id=$EMAIL_ID | jq -c '.response.first_factor_verification'"
CODE=$(curl -s "$B/__admin/outbox/latest?to=ada@example.com" | jq -r .code)
run "curl -s '$B/__admin/outbox/latest?to=ada@example.com' | jq -r .code"
run "curl -s -c code.jar -b code.jar $B/v1/client/sign_ins/$SI/attempt_first_factor -d strategy=email_code -d code=$CODE | jq -c '{status: .response.status, session: .response.created_session_id, strategy: .client.last_authentication_strategy}'"
run "grep -o '__client_uat.*' code.jar"

say '## 3. Email-link sign-in (the link is opened by another "device": no cookie jar)' ''
run "curl -s -c link.jar -b link.jar $B/v1/client/sign_ins -d identifier=ada@example.com -d strategy=email_link -d redirect_url=http://localhost:3000/verified | jq -c '.response | {id, status, verification: .first_factor_verification.strategy}'"
SI=$(curl -s -b link.jar "$B/v1/client" | jq -r .response.sign_in.id)
run "curl -s '$B/__admin/outbox/latest?to=ada@example.com' | jq -r .link"
LINK=$(curl -s "$B/__admin/outbox/latest?to=ada@example.com" | jq -r .link)
run "curl -s -o /dev/null -w '%{http_code} %{redirect_url}\n' '$LINK'"
run "curl -s -b link.jar $B/v1/client/sign_ins/$SI | jq -c '{status: .response.status, session: .response.created_session_id, active: .client.last_active_session_id}'"
run "curl -s -o /dev/null -w '%{http_code} %{redirect_url}\n' '$LINK'"

say '## 4. Password reset by email code' '' \
    'The default instance keeps Clerk'"'"'s rate limits (3 attempts per 10 s per IP; the test profile' \
    'turns them off), and this session has just made three attempts, so a script pauses first:' ''
run "curl -s -c reset.jar -b reset.jar $B/v1/client/sign_ins/x/attempt_first_factor -d strategy=password -d password=x -D - -o /dev/null | grep -iE '^(HTTP|retry-after)'"
sleep 10
run "curl -s -c reset.jar -b reset.jar $B/v1/client/sign_ins -d identifier=ada@example.com -d strategy=reset_password_email_code | jq -c '.response | {id, status}'"
SI=$(curl -s -b reset.jar "$B/v1/client" | jq -r .response.sign_in.id)
CODE=$(curl -s "$B/__admin/outbox/latest?to=ada@example.com" | jq -r .code)
run "curl -s '$B/__admin/outbox/latest?to=ada@example.com' | jq -c '{subject, purpose, code}'"
run "curl -s -c reset.jar -b reset.jar $B/v1/client/sign_ins/$SI/attempt_first_factor -d strategy=reset_password_email_code -d code=$CODE | jq -c '.response | {status}'"
run "curl -s -c reset.jar -b reset.jar $B/v1/client/sign_ins/$SI/reset_password -d password='a brand new passphrase' -d sign_out_of_other_sessions=true | jq -c '{status: .response.status, session: .response.created_session_id}'"
run "curl -s -b code.jar $B/v1/client | jq -c '.response | {sessions: (.sessions | length), last_active_session_id}'"
run "curl -s $B/v1/client/sign_ins -d identifier=ada@example.com -d password='correct horse battery' | jq -c '.errors[0].code'"
run "curl -s $B/v1/client/sign_ins -d identifier=ada@example.com -d password='a brand new passphrase' | jq -c '.response.status'"
