#!/usr/bin/env bash
# Starts the product exactly as the README says (npm start, embedded PostgreSQL in a fresh
# DATA_DIR) and checks it serves /healthz, /readyz, /docs and an authenticated API call; then
# restarts it and checks that the data and the bootstrap token survived.
#
# It stops only what it started: `npm start` runs in a process group of its own (job control on),
# and stopping signals that group, as Ctrl-C in a terminal would; nothing is looked up by name,
# so an API server somebody else runs on this machine is left alone. The port is a free one.
set -euo pipefail
set -m
cd "$(dirname "$0")/.."
data=$(mktemp -d /tmp/gcp-ci-start-XXXXXX)
chmod 711 "$data"
log="$data/start.log"
port=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
export DATA_DIR="$data/data" PORT="$port" HOST=127.0.0.1
pid=""
start() {
  npm start > "$log" 2>&1 &
  pid=$!  # with job control, also the id of its process group
  for _ in $(seq 1 120); do
    if grep -q "Galera control plane is up" "$log"; then return 0; fi
    if ! kill -0 "$pid" 2>/dev/null; then cat "$log"; echo "npm start exited" >&2; exit 1; fi
    sleep 1
  done
  cat "$log"; echo "npm start did not come up in 120 s" >&2; exit 1
}
group_alive() { [ -n "$pid" ] && kill -0 -- "-$pid" 2>/dev/null; }
stop() {
  group_alive || return 0
  kill -INT -- "-$pid" 2>/dev/null || true
  for _ in $(seq 1 30); do group_alive || { pid=""; return 0; }; sleep 1; done
  echo "npm start did not stop within 30 s of SIGINT: killing its process group" >&2
  kill -KILL -- "-$pid" 2>/dev/null || true
  pid=""
}
# A stand-in for somebody else's API server on this machine (same command line): it must outlive
# this script's stops.
bash -c 'sleep 600; :' node dist/apps/api/src/main.js &
decoy=$!
cleanup() { stop; kill -- "-$decoy" 2>/dev/null || true; rm -rf "$data"; }
trap cleanup EXIT
start
token=$(grep -o 'gcp_[A-Za-z0-9_-]*' "$log" | head -1)
[ -n "$token" ] || { echo "no bootstrap admin token printed" >&2; exit 1; }
curl -fsS "http://127.0.0.1:$PORT/healthz" | grep -q '"ok"'
curl -fsS "http://127.0.0.1:$PORT/readyz" | grep -q '"ok"'
curl -fsS -o /dev/null "http://127.0.0.1:$PORT/docs"
curl -fsS -H "Authorization: Bearer $token" "http://127.0.0.1:$PORT/v1/clusters" | grep -q '"items"'
status=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/v1/clusters")
[ "$status" = "401" ] || { echo "expected 401 without a token, got $status" >&2; exit 1; }
curl -fsS -H "Authorization: Bearer $token" -H 'content-type: application/json' \
  -d '{"name":"survives-restart","kind":"ssh-password","password":"p"}' "http://127.0.0.1:$PORT/v1/credentials" > /dev/null
echo "npm start: healthz, readyz, docs and an authenticated call answered"

stop
start
if grep -q 'Bootstrap admin token' "$log"; then echo "a restart printed a new bootstrap token" >&2; exit 1; fi
curl -fsS -H "Authorization: Bearer $token" "http://127.0.0.1:$PORT/v1/credentials" | grep -q '"survives-restart"' \
  || { echo "the credential did not survive the restart" >&2; exit 1; }
echo "restart: the data and the bootstrap token survived"
stop
kill -0 "$decoy" 2>/dev/null || { echo "stopping the product also stopped another process with the same command line" >&2; exit 1; }
echo "stop: only the started process group was stopped (port $PORT)"
