#!/usr/bin/env bash
# What `make test` and `make run` need from the machine beyond the repository. Each step checks
# first and is quick once done, so make runs them every time:
#
#   tools/machine.sh services PG_URL       PostgreSQL and Redis answering (started if stopped), PG_URL's database
#   tools/machine.sh dictionaries          hunspell-no: the Norwegian word list the site search splits compounds with
#   tools/machine.sh browser               Debian's chromium for the browser tests (CHROMIUM=path to use another)
#
# Where a step cannot be done here (not root, no apt-get, a server on another machine), it stops
# with one line that says what to run. AGAIN names the make command to run after that.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
AGAIN=${AGAIN:-make test}
REDIS_PORT=${REDIS_PORT:-6379}
HUNSPELL_DIR=${HUNSPELL_DIR:-/usr/share/hunspell}
export HUNSPELL_DIR

fail() {
    echo "make: $*" >&2
    exit 1
}

is_root() { [ "$(id -u)" = 0 ]; }

need_command() {
    command -v "$1" >/dev/null 2>&1 || fail "$1 is missing ($2); install it, then run \`$AGAIN\` again"
}

# Debian packages, installed as root; anyone else is told the command.
install_packages() {
    local why=$1
    shift
    command -v apt-get >/dev/null 2>&1 \
        || fail "$* is missing ($why) and this machine has no apt-get; install $* by hand, then run \`$AGAIN\` again"
    is_root || fail "$* is missing ($why) and this user cannot install packages; run \`sudo apt-get install $*\` then \`$AGAIN\` again"
    echo "installing Debian's $* ($why)"
    local apt=(apt-get -qq -o DPkg::Lock::Timeout=300)
    # A fresh machine has no package lists yet, and stale lists name versions the mirror no longer has.
    "${apt[@]}" update >/dev/null || fail "apt-get update failed (see above); fix that, then run \`$AGAIN\` again"
    DEBIAN_FRONTEND=noninteractive "${apt[@]}" install -y --no-install-recommends "$@" >/dev/null \
        || fail "apt-get could not install $* (see above); fix that, then run \`$AGAIN\` again"
}

# postgres://user@host:port/name -> HOST PORT NAME (port 5432 and host localhost when not given)
parse_pg_url() {
    local pattern='^postgres(ql)?://([^@/]*@)?(\[[^]]*\]|[^:/?]*)(:([0-9]+))?/([^?]+)'
    [[ $1 =~ $pattern ]] || fail "PG_URL must look like postgres://user@host:port/name, got '$1'"
    PG_HOST=${BASH_REMATCH[3]:-localhost}
    PG_PORT=${BASH_REMATCH[5]:-5432}
    PG_NAME=${BASH_REMATCH[6]}
    PG_MAINTENANCE_URL=${1%/"$PG_NAME"*}/postgres
}

pg_is_local() { [[ $PG_HOST == 127.0.0.1 || $PG_HOST == localhost || $PG_HOST == "[::1]" ]]; }

pg_up() { pg_isready -q -d "$1" -t 2 >/dev/null 2>&1; }

start_postgres() {
    local version name
    # The Debian cluster that listens on PG_URL's port, if there is one.
    read -r version name < <(pg_lsclusters -h 2>/dev/null | awk -v port="$PG_PORT" '$3 == port { print $1, $2; exit }') || true
    [ -n "${name:-}" ] && pg_is_local \
        || fail "PostgreSQL is not answering at $PG_HOST:$PG_PORT; start it (or set PG_URL to one that runs), then run \`$AGAIN\` again"
    is_root || fail "PostgreSQL is not answering at $PG_HOST:$PG_PORT and this user cannot start it; run \`sudo pg_ctlcluster $version $name start\` then \`$AGAIN\` again"
    echo "starting PostgreSQL $version $name"
    pg_ctlcluster --skip-systemctl-redirect "$version" "$name" start
}

redis_up() {
    (
        exec 3<>"/dev/tcp/127.0.0.1/$REDIS_PORT" || exit 1
        printf 'PING\r\n' >&3
        read -r -t 2 reply <&3 && [[ $reply == +PONG* ]]
    ) 2>/dev/null
}

start_redis() {
    command -v redis-server >/dev/null 2>&1 \
        || fail "Redis is not answering at 127.0.0.1:$REDIS_PORT and redis-server is not installed; run \`sudo apt-get install redis-server\` then \`$AGAIN\` again"
    is_root || fail "Redis is not answering at 127.0.0.1:$REDIS_PORT and this user cannot start it; start redis-server, then run \`$AGAIN\` again"
    echo "starting Redis on 127.0.0.1:$REDIS_PORT"
    mkdir -p /var/lib/redis /var/log/redis
    redis-server --daemonize yes --bind 127.0.0.1 -::1 --port "$REDIS_PORT" --save "" --appendonly no \
        --dir /var/lib/redis --logfile /var/log/redis/ci.log >/dev/null
}

wait_until() {
    local what=$1
    shift
    for _ in $(seq 1 60); do
        "$@" && return 0
        sleep 0.5
    done
    fail "$what did not start within 30 s; see its log, then run \`$AGAIN\` again"
}

services() {
    parse_pg_url "$1"
    need_command pg_isready "PostgreSQL's client tools: apt-get install postgresql-client"
    if ! pg_up "$PG_MAINTENANCE_URL"; then
        start_postgres
        wait_until "PostgreSQL at $PG_HOST:$PG_PORT" pg_up "$PG_MAINTENANCE_URL"
    fi
    if ! redis_up; then
        start_redis
        wait_until "Redis at 127.0.0.1:$REDIS_PORT" redis_up
    fi
    local exists
    exists=$(psql -w "$PG_MAINTENANCE_URL" -At -v name="$PG_NAME" 2>&1 <<<"SELECT 1 FROM pg_database WHERE datname = :'name'") \
        || fail "cannot connect to PostgreSQL with PG_URL=$1 (${exists##*$'\n'}); fix PG_URL, then run \`$AGAIN\` again"
    if [ "$exists" != 1 ]; then
        echo "creating database $PG_NAME"
        psql -w "$PG_MAINTENANCE_URL" -q -v name="$PG_NAME" <<<'CREATE DATABASE :"name"'
    fi
}

# Hunspell's bokmål word list: the site search splits Norwegian compounds with it, on both databases.
dictionaries() {
    if [ ! -r "$HUNSPELL_DIR/nb_NO.dic" ]; then
        install_packages "the Norwegian word list the site search splits compounds with" hunspell-no
    fi
}

browser() {
    if [ -n "${CHROMIUM:-}" ]; then
        [ -x "$CHROMIUM" ] || fail "CHROMIUM=$CHROMIUM is not an executable; point it at a Chromium (or unset it), then run \`$AGAIN\` again"
    elif [ ! -x /usr/bin/chromium ]; then
        install_packages "the browser tests drive it" chromium
    fi
}

case ${1:-} in
services)
    [ -n "${2:-}" ] || fail "usage: tools/machine.sh $1 PG_URL"
    services "$2"
    ;;
dictionaries) dictionaries ;;
browser) browser ;;
*) fail "usage: tools/machine.sh services PG_URL, or tools/machine.sh dictionaries|browser" ;;
esac
