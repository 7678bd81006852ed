"""Soak: a fixed mixed load on the production setup for a set time (`make soak`, SOAK_MINUTES, default 10).

Starts gunicorn with the project's gunicorn.conf.py (2 workers) and `manage.py
worker` on PostgreSQL (database `cms_soak`) and Redis, with the Troms content
plus generated pages (as `make bench` prepares them, bench/run.py), and sends
with wrk, minute by minute, one fixed mix of requests:

- the full theme-page query by POST, for a different generated page each time;
- the same query as a persisted GET (APQ hash), over the pages in another order;
- `siteSearch` with the judged queries in turn;

while an editor publishes a page revision every few seconds (bench/publisher.py,
Wagtail's own `save_revision().publish()`), so every answer kept anywhere goes
stale again and again and the worker has the public changes to process.

Prints the requests per minute, the errors (any answer other than 200, any
GraphQL `errors`, any socket error, any traceback the server or the task
worker logs) and each gunicorn worker's and the task worker's resident memory
(from /proc) at the start and at the end, and exits non-zero on any error or
on a process whose memory grew by 10 % or more. The start is measured after a
warm-up of the same load (2 minutes), so the per-process caches that fill to
their bounds on first use (publishing/memo.py) do not count as growth;
gunicorn's worker recycling is off, as it would hide a leak. Results go to
bench/results/soak.{md,json}, the processes' log to soak-server.log.
"""

# Subprocesses and URLs here are built from constants and loopback addresses, never from outside input.
# ruff: noqa: S603

import argparse
import datetime
import hashlib
import json
import os
import random
import subprocess
import sys
import tempfile
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

# The project's modules, when run as `python bench/soak.py`.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from api.queries import PAGE_BY_ID as PAGE_QUERY
from api.queries import SITE_SEARCH
from bench.run import (
    GUNICORN,
    RESULTS,
    ROOT,
    Publisher,
    check,
    ensure_database,
    ensure_wrk,
    http,
    prepare_content,
    run_wrk,
    server_env,
    stop,
    task_worker,
    wait_for,
)
from search.judged_queries import JUDGED_QUERIES

MEMORY_GROWTH_LIMIT = 0.10
# Out of every ten requests: five page queries by POST, three persisted GETs, two searches.
MIX = ["page", "persisted", "page", "search", "page", "persisted", "page", "persisted", "page", "search"]

# One request per line of BENCH_PATHS: method, path and body separated by tabs. Counts answers that are not
# 200 and 200s that carry GraphQL errors, per wrk thread, and adds them up at the end.
WRK_SCRIPT = r"""
local lines = {}
for line in io.lines(os.getenv("BENCH_PATHS")) do
  local method, path, body = line:match("^(%u+)\t([^\t]+)\t?(.*)$")
  lines[#lines + 1] = {method, path, body}
end
local threads = {}
local started = 0
function setup(thread)
  thread:set("thread_number", started)
  started = started + 1
  threads[#threads + 1] = thread
end
local turn = 0
bad_status = 0
graphql_errors = 0
function init(args)
  local share = tonumber(os.getenv("BENCH_THREADS") or "1")
  local start = tonumber(os.getenv("BENCH_START") or "0")
  turn = (start + math.floor((thread_number or 0) * #lines / share)) % #lines
end
local json_headers = {["Content-Type"] = "application/json"}
request = function()
  turn = turn % #lines + 1
  local item = lines[turn]
  if item[1] == "POST" then return wrk.format("POST", item[2], json_headers, item[3]) end
  return wrk.format("GET", item[2])
end
response = function(status, headers, body)
  if status ~= 200 then
    bad_status = bad_status + 1
  elseif body:find('"errors"', 1, true) then
    graphql_errors = graphql_errors + 1
  end
end
done = function(summary, latency, requests)
  local bad, errors = 0, 0
  for _, thread in ipairs(threads) do
    bad = bad + thread:get("bad_status")
    errors = errors + thread:get("graphql_errors")
  end
  io.write(string.format(
    'BENCH {"requests": %d, "duration_us": %d, "non2xx": %d, "socket_errors": %d,'
    .. ' "graphql_errors": %d, "p50_us": %d, "p95_us": %d, "p99_us": %d}\n',
    summary.requests, summary.duration, bad,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    errors, latency:percentile(50), latency:percentile(95), latency:percentile(99)))
end
"""


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--minutes",
        type=float,
        default=float(os.environ.get("SOAK_MINUTES") or 10),
        help="How long the measured load runs (default: SOAK_MINUTES, else 10)",
    )
    parser.add_argument("--warmup", type=int, default=120, help="Seconds of the same load before memory is measured")
    parser.add_argument("--pg-url", default=os.environ.get("PG_URL", "postgres://postgres@127.0.0.1:5432/test"))
    parser.add_argument("--database", default="cms_soak")
    parser.add_argument("--redis-url", default=os.environ.get("SOAK_REDIS_URL", "redis://127.0.0.1:6379/7"))
    parser.add_argument("--pages", type=int, default=2_000, help="Generated theme pages the load goes over")
    parser.add_argument("--publish-seconds", type=float, default=3, help="An editor publishes a page this often")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--wrk-threads", type=int, default=2)
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument("--fresh", action="store_true", help="Drop and recreate the soak database first")
    args = parser.parse_args(argv)
    if args.minutes <= 0:
        parser.error("--minutes (SOAK_MINUTES) must be more than 0")
    if args.warmup < 0 or args.pages < 1 or args.publish_seconds <= 0:
        parser.error("--warmup must be 0 or more, --pages and --publish-seconds more than 0")
    return args


def rss_mb(pid: int) -> float | None:
    """Resident memory of one process in MB, or None once it is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        return None
    return None


def children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(stat.parent.name))
        except (OSError, ValueError, IndexError):
            continue
    return sorted(found)


def memory(server_pid: int, worker_pid: int) -> dict[str, float | None]:
    """RSS of each gunicorn worker (by pid) and of the task worker, e.g. {"gunicorn 1234": 180.2, "task worker": 150.0}."""
    sizes = {f"gunicorn {pid}": rss_mb(pid) for pid in children(server_pid)}
    sizes["task worker"] = rss_mb(worker_pid)
    return sizes


@dataclass
class Minute:
    number: int
    requests: int
    seconds: float
    non200: int
    graphql_errors: int
    socket_errors: int
    p50_ms: float
    p95_ms: float
    publishes: int = 0

    @property
    def errors(self) -> int:
        return self.non200 + self.graphql_errors + self.socket_errors


@dataclass
class Outcome:
    minutes: list[Minute]
    memory_start: dict[str, float | None]
    memory_end: dict[str, float | None]
    publishes: int
    # Tracebacks the server and the task worker logged: a task that failed answers no request.
    logged_errors: int = 0
    setup: dict = field(default_factory=dict)


def failures(outcome: Outcome) -> list[str]:
    found = []
    errors = sum(minute.errors for minute in outcome.minutes)
    if errors:
        found.append(f"{errors} requests failed")
    if outcome.logged_errors:
        found.append(f"{outcome.logged_errors} errors in the server and worker log")
    for name, start in outcome.memory_start.items():
        end = outcome.memory_end.get(name)
        if end is None:
            found.append(f"{name} is gone (it died or was restarted during the soak)")
        elif start and (end - start) / start >= MEMORY_GROWTH_LIMIT:
            found.append(f"{name} grew from {start:.0f} MB to {end:.0f} MB ({(end - start) / start:+.0%})")
    for name in outcome.memory_end.keys() - outcome.memory_start.keys():
        found.append(f"{name} appeared during the soak (a worker was replaced)")
    if not outcome.publishes:
        found.append("no page was published during the soak")
    return found


def report(outcome: Outcome) -> str:
    lines = [
        "| Minute | Requests | req/s | p50 ms | p95 ms | non-200 | GraphQL errors | socket errors |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for minute in outcome.minutes:
        lines.append(
            f"| {minute.number} | {minute.requests} | {minute.requests / minute.seconds:.0f} | {minute.p50_ms:.1f} | "
            f"{minute.p95_ms:.1f} | {minute.non200} | {minute.graphql_errors} | {minute.socket_errors} |"
        )
    total = sum(minute.requests for minute in outcome.minutes)
    seconds = sum(minute.seconds for minute in outcome.minutes)
    errors = sum(minute.errors for minute in outcome.minutes)
    lines += [
        "",
        f"{total} requests in {seconds / 60:.1f} min ({total / seconds:.0f} req/s), {errors} errors, "
        f"{outcome.publishes} publishes; {outcome.logged_errors} errors logged by the server and the task worker.",
        "",
        "| Process | RSS at start MB | RSS at end MB | Growth |",
        "|---|---:|---:|---:|",
    ]
    for name, start in outcome.memory_start.items():
        end = outcome.memory_end.get(name)
        growth = f"{(end - start) / start:+.1%}" if start and end is not None else "gone"
        lines.append(f"| {name} | {_mb(start)} | {_mb(end)} | {growth} |")
    problems = failures(outcome)
    lines += [
        "",
        "Result: " + ("PASS (0 errors, memory growth under 10 %)" if not problems else "FAIL: " + "; ".join(problems)),
    ]
    return "\n".join(lines) + "\n"


def _mb(value) -> str:
    return "-" if value is None else f"{value:.1f}"


def request_lines(theme_ids: list[int], searches: list[str]) -> list[str]:
    """The fixed mix, one wrk request per line: every page by POST and by persisted GET, the searches in turn."""
    digest = hashlib.sha256(PAGE_QUERY.encode()).hexdigest()
    extensions = json.dumps({"persistedQuery": {"version": 1, "sha256Hash": digest}})
    pages = [json.dumps({"query": PAGE_QUERY, "variables": {"id": str(pk)}}) for pk in theme_ids]
    persisted = [
        "/graphql/?" + urllib.parse.urlencode({"extensions": extensions, "variables": json.dumps({"id": str(pk)})})
        for pk in reversed(theme_ids)
    ]
    search = [json.dumps({"query": SITE_SEARCH, "variables": {"query": term}}) for term in searches]
    turns = {"page": 0, "persisted": 0, "search": 0}
    lines = []
    # As many lines as it takes to ask every page both ways.
    while turns["page"] < len(pages) or turns["persisted"] < len(persisted):
        for kind in MIX:
            number = turns[kind]
            turns[kind] += 1
            if kind == "page":
                lines.append(f"POST\t/graphql/\t{pages[number % len(pages)]}")
            elif kind == "persisted":
                lines.append(f"GET\t{persisted[number % len(persisted)]}\t")
            else:
                lines.append(f"POST\t/graphql/\t{search[number % len(search)]}")
    return lines


def first_answers(base: str, theme_ids: list[int], searches: list[str]):
    """Each kind of request answers correctly before any is timed; the persisted query is registered."""
    body = json.dumps({"query": PAGE_QUERY, "variables": {"id": str(theme_ids[0])}}).encode()
    status, answer = http(f"{base}/graphql/", body, {"Content-Type": "application/json"})
    check(status == 200 and b'"errors"' not in answer and json.loads(answer)["data"]["page"], answer)
    digest = hashlib.sha256(PAGE_QUERY.encode()).hexdigest()
    extensions = json.dumps({"persistedQuery": {"version": 1, "sha256Hash": digest}})
    variables = json.dumps({"id": str(theme_ids[0])})
    query = urllib.parse.urlencode({"extensions": extensions, "variables": variables, "query": PAGE_QUERY})
    status, registered = http(f"{base}/graphql/?{query}")
    check(status == 200 and json.loads(registered) == json.loads(answer), registered)
    status, found = http(
        f"{base}/graphql/?" + urllib.parse.urlencode({"extensions": extensions, "variables": variables})
    )
    check(status == 200 and json.loads(found) == json.loads(answer), found)
    body = json.dumps({"query": SITE_SEARCH, "variables": {"query": searches[0]}}).encode()
    status, hits = http(f"{base}/graphql/", body, {"Content-Type": "application/json"})
    check(status == 200 and json.loads(hits)["data"]["siteSearch"]["totalCount"] > 0, hits)


def log(message: str):
    print(f"[soak] {message}", flush=True)


def main(argv=None) -> int:
    args = parse_args(argv)
    wrk = ensure_wrk()
    parsed = urllib.parse.urlsplit(args.pg_url)
    ensure_database(parsed._replace(path="/postgres").geturl(), args.database, fresh=args.fresh)
    base = f"http://127.0.0.1:{args.port}"
    env = server_env(parsed._replace(path=f"/{args.database}").geturl(), args.redis_url, args.port)
    env.update(
        {
            "GUNICORN_WORKERS": "2",
            "LOG_LEVEL": "WARNING",
            "BENCH_PUBLISH_SECONDS": str(args.publish_seconds),
        }
    )
    # Preparing 2,000 pages runs statements longer than the server's 10 s backstop on a busy machine.
    content = prepare_content(
        {**env, "DJANGO_SETTINGS_MODULE": "cms.settings.production", "DB_STATEMENT_TIMEOUT_MS": "0"}, args.pages
    )
    theme_ids = content["theme_ids"][: args.pages]
    random.Random(11).shuffle(theme_ids)
    searches = [judged.query for judged in JUDGED_QUERIES]
    import redis

    redis.Redis.from_url(args.redis_url).flushdb()

    RESULTS.mkdir(parents=True, exist_ok=True)
    server_log = (RESULTS / "soak-server.log").open("w")
    server = subprocess.Popen(
        [GUNICORN, "--config", "gunicorn.conf.py", "cms.wsgi:application"],
        cwd=ROOT,
        env=env,
        start_new_session=True,
        stdout=server_log,
        stderr=subprocess.STDOUT,
    )
    worker = task_worker(env, server_log)
    work = Path(tempfile.mkdtemp(prefix="soak-"))
    minutes: list[Minute] = []
    publisher = Publisher(env, work)
    publisher.start()
    try:
        wait_for(f"{base}/bench/bare/")
        first_answers(base, theme_ids, searches)
        mix = work / "mix.tsv"
        lines = request_lines(theme_ids, searches)
        mix.write_text("".join(line + "\n" for line in lines))
        script = work / "soak.lua"
        script.write_text(WRK_SCRIPT)
        log(f"{len(theme_ids)} pages, {len(lines)} requests in the mix, publishing every {args.publish_seconds:g} s")
        position = 0

        def run(seconds: int) -> dict:
            nonlocal position
            stats = run_wrk(
                wrk,
                base,
                str(script),
                seconds=seconds,
                threads=args.wrk_threads,
                connections=args.connections,
                paths_file=str(mix),
                start=position,
            )
            position += stats["requests"] // args.wrk_threads
            return stats

        with publisher:
            if args.warmup:
                log(f"warming up for {args.warmup} s")
                warm = run(args.warmup)
                warm_errors = warm["non2xx"] + warm["graphql_errors"] + warm["socket_errors"]
                log(f"warm-up: {warm['requests']} requests, {warm_errors} errors")
                if warm_errors:
                    minutes.append(_minute(0, warm))
            start = memory(server.pid, worker.pid)
            log(f"memory at start (MB): {start}")
            remaining = args.minutes * 60
            number = 0
            while remaining > 0.5:
                number += 1
                seconds = round(min(60, remaining))
                stats = run(seconds)
                remaining -= seconds
                minutes.append(_minute(number, stats))
                log(
                    f"minute {number}: {stats['requests']} requests ({stats['rps']:.0f}/s), p95 "
                    f"{stats['p95_us'] / 1000:.0f} ms, errors {minutes[-1].errors}; memory {memory(server.pid, worker.pid)}"
                )
            end = memory(server.pid, worker.pid)
    finally:
        publisher.stop()
        for process in (server, worker):
            stop(process)
        server_log.close()
        for file in work.iterdir():
            file.unlink()
        work.rmdir()
    outcome = Outcome(
        minutes,
        start,
        end,
        publisher.published,
        logged_errors=(RESULTS / "soak-server.log")
        .read_text(errors="replace")
        .count("Traceback (most recent call last)"),
        setup={
            "finished_at": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
            "minutes": args.minutes,
            "warmup_s": args.warmup,
            "pages": len(theme_ids),
            "connections": args.connections,
            "load_average_at_end": os.getloadavg(),
        },
    )
    text = report(outcome)
    (RESULTS / "soak.md").write_text(text)
    (RESULTS / "soak.json").write_text(
        json.dumps(
            {
                "setup": outcome.setup,
                "minutes": [vars(m) for m in minutes],
                "memory_start_mb": start,
                "memory_end_mb": end,
                "publishes": outcome.publishes,
                "logged_errors": outcome.logged_errors,
                "failures": failures(outcome),
            },
            indent=2,
        )
        + "\n"
    )
    print()
    print(text)
    log(f"server and worker log: {RESULTS / 'soak-server.log'}")
    return 1 if failures(outcome) else 0


def _minute(number: int, stats: dict) -> Minute:
    return Minute(
        number=number,
        requests=stats["requests"],
        seconds=stats["duration_us"] / 1e6,
        non200=stats["non2xx"],
        graphql_errors=stats["graphql_errors"],
        socket_errors=stats["socket_errors"],
        p50_ms=stats["p50_us"] / 1000,
        p95_ms=stats["p95_us"] / 1000,
    )


if __name__ == "__main__":
    sys.exit(main())
