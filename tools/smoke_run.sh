#!/usr/bin/env bash
# `make run` as a newcomer runs it, on a throwaway SQLite file and a free port: the site, the admin
# and GraphiQL (its page, every file it loads, a query) must answer. Run by `make smoke` and CI.
set -euo pipefail
cd "$(dirname "$0")/.."

PORT=${SMOKE_PORT:-$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}
BASE=http://127.0.0.1:$PORT
WORK=$(mktemp -d)
LOG=$WORK/run.log
# Its own process group, so stopping it stops runserver's reloader child too.
DATABASE_URL=sqlite:///$WORK/db.sqlite3 setsid make run HOST=127.0.0.1 PORT="$PORT" >"$LOG" 2>&1 &
RUN=$!
stop() {
    kill -- -"$RUN" 2>/dev/null || true
    wait "$RUN" 2>/dev/null || true
    rm -rf "$WORK"
}
trap stop EXIT

fail() {
    echo "smoke: $*" >&2
    tail -n 20 "$LOG" >&2
    exit 1
}

for _ in $(seq 1 240); do
    curl -fso /dev/null "$BASE/admin/login/" && break
    kill -0 "$RUN" 2>/dev/null || fail "make run stopped before serving"
    sleep 0.5
done

expect() {  # URL TEXT [curl options...]: a 200 whose body contains TEXT
    local url=$1 text=$2 body
    shift 2
    body=$(curl -fsS "$@" "$BASE$url") || fail "$url did not answer 200"
    grep -qF -- "$text" <<<"$body" || fail "$url does not contain '$text'"
    echo "smoke: $url ok"
}

expect /attraktive-samfunn/ "Attraktive samfunn"
expect /admin/login/ "Wagtail"
expect /graphql/ 'id="graphene-settings"' -H "Accept: text/html"
page=$(curl -fsS -H "Accept: text/html" "$BASE/graphql/")
for file in $(grep -oE '(src|href)="[^"]+"' <<<"$page" | cut -d'"' -f2); do
    [[ $file == data:* ]] && continue
    [[ $file == /static/* ]] || fail "GraphiQL loads $file, which is not this site's"
    curl -fso /dev/null "$BASE$file" || fail "GraphiQL's $file did not answer 200"
done
echo "smoke: GraphiQL's files ok"
expect /graphql/ '"title":"Attraktive samfunn"' -H "Content-Type: application/json" \
    -d '{"query": "{ pages { title } }"}'
echo "smoke: make run serves the site, the admin and GraphiQL"
