"""Side-by-side HTTP benchmark of the API against the floor of the stack (`make bench`).

Starts the production server (gunicorn, DEBUG off, PostgreSQL, Redis) on a
separate database, loads the Troms content plus generated pages, and drives
each scenario with wrk, alternating scenarios over several rounds so a burst
of load from elsewhere on the machine hits all of them alike:

1. bare              a bare Django JSON view: the floor of what the stack can do
2. rest              Wagtail's REST API v2 detail of the same theme page
3. graphql           our full theme-page query by POST, uncached (one hot page)
4. persisted         the same query as a persisted GET, response cache warm
5. search            `siteSearch` over 10,000+ pages, the judged queries in turn
6. random            the full theme-page query for a different generated page each request
7. random_publishing the same while an editor publishes a page every 2 s (`bench/publisher.py`)
8. rest_random       Wagtail's REST API v2 detail of the same random pages

Then, outside the rounds: the first full-page request after a publish, timed
and counted in the server process, at 1,000 and at 10,000 pages
(`bench/first_request.py`); each worker's memory after the random pages;
hostile traffic (`bench/hostile.py`) sent while random pages are measured; and
uncached searches of the worst cases a visitor can type, one at a time on the
quiet database (`manage.py search_latency`).

Prints req/s, p50, p95 and the ratios to (1) and (2) (and (8) for the random
pages), and writes bench/results/latest.json and latest.md.
"""

# Subprocesses and URLs here are built from constants and loopback addresses, never from outside input.
# ruff: noqa: S603, S310

import argparse
import datetime
import hashlib
import json
import os
import platform
import random
import runpy
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from api.queries import PAGE_BY_ID, SITE_SEARCH  # noqa: E402  (needs ROOT on the path)
from search.judged_queries import JUDGED_QUERIES  # noqa: E402

RESULTS = ROOT / "bench" / "results"
PY = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")

PAGE_QUERY = PAGE_BY_ID

# Prints one JSON line wrk's own summary lacks: p95 and non-2xx counts.
WRK_SCRIPT = """
wrk.method = os.getenv("BENCH_METHOD") or "GET"
local body_file = os.getenv("BENCH_BODY")
local path_file = os.getenv("BENCH_PATHS")
local bodies, paths = {}, {}
if body_file then
  -- One request body per line, sent in turn.
  for line in io.lines(body_file) do bodies[#bodies + 1] = line end
  wrk.body = bodies[1]
  wrk.headers["Content-Type"] = "application/json"
end
if path_file then
  -- One URL path per line, asked in turn.
  for line in io.lines(path_file) do paths[#paths + 1] = line end
end
-- Each wrk thread starts at its own share of the list, so no two threads ask for the same item in a round;
-- BENCH_START moves every start on, so a round carries on where the last one on the same list stopped.
local threads_started = 0
function setup(thread)
  thread:set("thread_number", threads_started)
  threads_started = threads_started + 1
end
local turn = 0
function init(args)
  local share = tonumber(os.getenv("BENCH_THREADS") or "1")
  local count = math.max(#bodies, #paths)
  local start = tonumber(os.getenv("BENCH_START") or "0")
  if count > 0 then turn = (start + math.floor((thread_number or 0) * count / share)) % count end
end
request = function()
  if #paths > 0 then
    turn = turn % #paths + 1
    return wrk.format(nil, paths[turn])
  end
  if #bodies > 1 then
    turn = turn % #bodies + 1
    return wrk.format(nil, nil, nil, bodies[turn])
  end
  return wrk.format()
end
done = function(summary, latency, requests)
  io.write(string.format(
    'BENCH {"requests": %d, "duration_us": %d, "non2xx": %d, "socket_errors": %d,'
    .. ' "p50_us": %d, "p95_us": %d, "p99_us": %d}\\n',
    summary.requests, summary.duration, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99)))
end
"""

LABELS = {
    "bare": "1. Bare Django JSON view",
    "rest": "2. Wagtail REST API v2, page detail",
    "graphql": "3. GraphQL full theme page, POST, uncached",
    "persisted": "4. GraphQL persisted GET, cache warm",
    "search": "5. GraphQL siteSearch, judged queries in turn (10,000+ pages)",
    "random": "6. GraphQL full page, a different random page each request",
    "random_publishing": "7. The same, an editor publishing every 2 s",
    "rest_random": "8. Wagtail REST API v2, the same random pages",
}


def log(message: str):
    print(f"[bench] {message}", flush=True)


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    log("wrk not found: installing it with apt-get")
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    subprocess.run([*sudo, "apt-get", "install", "-y", "wrk"], check=False)
    if not shutil.which("wrk"):
        subprocess.run([*sudo, "apt-get", "update"], check=True)
        subprocess.run([*sudo, "apt-get", "install", "-y", "wrk"], check=True)
    return shutil.which("wrk")


def ensure_database(admin_url: str, name: str, fresh: bool):
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and fresh:
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            exists = None
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')
            log(f"created database {name}")


def manage(env, *args, capture=False):
    result = subprocess.run([PY, "manage.py", *args], cwd=ROOT, env=env, check=True, text=True, capture_output=capture)
    return result.stdout if capture else None


def prepare_content(env, pages: int) -> dict:
    manage(env, "migrate", "--noinput", "-v", "0")
    manage(env, "load_demo_content")
    script = (
        "import json\n"
        "from content_models.models import ThemePage\n"
        "from content_models.management.commands.generate_bench_content import bench_topics\n"
        "from wagtail.models import Page\n"
        "paths = list(bench_topics().values_list('path', flat=True))\n"
        "n = sum(ThemePage.objects.filter(path__startswith=p).count() for p in paths)\n"
        "print(json.dumps({'generated': n}))\n"
    )
    have = json.loads(manage(env, "shell", "-c", script, capture=True).strip().splitlines()[-1])["generated"]
    if have < pages:
        if have:
            log(f"{have} generated pages found, {pages} wanted: regenerating")
            manage(env, "generate_bench_content", "--remove")
        log(f"generating {pages} pages")
        manage(env, "generate_bench_content", "--pages", str(pages))
    else:
        log(f"reusing {have} generated pages")
    # Bulk-generated pages send no signals: the site search indexes them here (once; reused afterwards).
    script = (
        "import json\n"
        "from search.models import IndexedPage\n"
        "from publishing.models import PublicPage\n"
        "from wagtail.models import Page\n"
        "print(json.dumps({'indexed': IndexedPage.objects.count(), 'stored': PublicPage.objects.count(),\n"
        "  'pages': Page.objects.filter(depth__gt=1).live().count()}))\n"
    )
    counts = json.loads(manage(env, "shell", "-c", script, capture=True).strip().splitlines()[-1])
    # A run stopped part-way may have left the stored public form behind the pages; the search index is made
    # from it (storing indexes what it stores).
    if counts["stored"] < counts["pages"]:
        log(f"storing the public form of {counts['pages']} pages")
        manage(env, "rebuild_public_store")
    elif counts["indexed"] < counts["pages"]:
        log(f"indexing {counts['pages']} pages for the site search")
        manage(env, "search_index")
    # Planner statistics as a production database would have them after autovacuum.
    manage(
        env,
        "shell",
        "-c",
        "from content_models.management.commands.generate_bench_content import refresh_statistics; "
        "refresh_statistics()",
    )
    script = (
        "import json\n"
        "from content_models.models import ThemePage\n"
        "from content_models.management.commands.generate_bench_content import bench_topics\n"
        "from wagtail.models import Page\n"
        "topic = bench_topics().order_by('path').first()\n"
        "page = ThemePage.objects.live().filter(path__startswith=topic.path).order_by('path').first()\n"
        "ids = [pk for p in bench_topics().values_list('path', flat=True)\n"
        "       for pk in ThemePage.objects.filter(path__startswith=p).values_list('pk', flat=True)]\n"
        "print(json.dumps({'page_id': page.pk, 'blocks': len(page.body.raw_data),\n"
        "  'pages_total': Page.objects.filter(depth__gt=1).count(), 'theme_ids': ids}))\n"
    )
    return json.loads(manage(env, "shell", "-c", script, capture=True).strip().splitlines()[-1])


def http(url, data=None, headers=None):
    request = urllib.request.Request(url, data=data, headers=headers or {})
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.status, response.read()


def check(ok, body: bytes):
    if not ok:
        raise SystemExit(f"an endpoint answered wrongly, so it will not be timed: {body[:500]!r}")


def wait_for(url, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if http(url)[0] == 200:
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"server did not answer at {url}")


def server_cpu_seconds(master_pid: int) -> float:
    """User + system CPU time used so far by the gunicorn master's worker processes."""
    ticks = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        # After the command name: state, ppid, ..., utime (14th field overall), stime (15th).
        if int(fields[1]) == master_pid:
            ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def wait_until_idle(server_pid: int, *, longest: float = 5.0):
    """Until the workers have finished what the previous scenario left queued.

    wrk's connections are accepted by whichever worker is free at that moment:
    started while one worker still drains the last scenario's backlog, a run
    gets all its connections on the other worker and half the machine.
    """
    deadline = time.monotonic() + longest
    while time.monotonic() < deadline:
        before = server_cpu_seconds(server_pid)
        time.sleep(0.25)
        if server_cpu_seconds(server_pid) - before < 0.02:
            return


def run_wrk(
    wrk,
    url,
    script_path,
    *,
    seconds,
    threads,
    connections,
    method="GET",
    body_file=None,
    paths_file=None,
    server_pid=None,
    start=0,
):
    if server_pid:
        wait_until_idle(server_pid)
    cpu_before = server_cpu_seconds(server_pid) if server_pid else None
    env = {**os.environ, "BENCH_METHOD": method, "BENCH_THREADS": str(threads), "BENCH_START": str(start)}
    if body_file:
        env["BENCH_BODY"] = body_file
    if paths_file:
        env["BENCH_PATHS"] = paths_file
    out = subprocess.run(
        [wrk, f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", script_path, url],
        env=env,
        check=True,
        text=True,
        capture_output=True,
    ).stdout
    line = next(x for x in out.splitlines() if x.startswith("BENCH "))
    stats = json.loads(line[len("BENCH ") :])
    stats["rps"] = stats["requests"] / (stats["duration_us"] / 1e6)
    if cpu_before is not None and stats["requests"]:
        stats["cpu_ms_per_request"] = (server_cpu_seconds(server_pid) - cpu_before) * 1000 / stats["requests"]
    return stats


def worker_memory_mb(master_pid: int) -> list[float]:
    """Resident memory of each gunicorn worker (the master's children), in MB."""
    sizes = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(line.split(":", 1) for line in status.read_text().splitlines() if ":" in line)
        except OSError:
            continue
        if fields.get("PPid", "").strip() == str(master_pid) and "VmRSS" in fields:
            sizes.append(round(int(fields["VmRSS"].split()[0]) / 1024, 1))
    return sorted(sizes)


def run_hostile(run_random, server_pid, base, count) -> dict:
    """Random pages measured quietly, then while `count` hostile requests arrive; memory before and after.

    `run_random(seconds, server_pid)` times scenario 6 for that long (waiting for idle workers given a pid).
    """
    if not count:
        return {}
    quiet = run_random(5, server_pid)
    before = worker_memory_mb(server_pid)
    attacker = subprocess.Popen(
        [PY, str(ROOT / "bench" / "hostile.py"), base, str(count)], stdout=subprocess.PIPE, text=True
    )
    during = []
    while True:
        during.append(run_random(3, None))
        if attacker.poll() is not None:
            break
    out, _ = attacker.communicate()
    after = worker_memory_mb(server_pid)
    sent = json.loads(next(x for x in out.splitlines() if x.startswith("HOSTILE "))[len("HOSTILE ") :])
    result = {
        **sent,
        "p95_quiet_ms": quiet["p95_us"] / 1000,
        "p95_during_ms": _median([run["p95_us"] / 1000 for run in during]) if during else None,
        "memory_before_mb": before,
        "memory_after_mb": after,
        "memory_growth_mb": max(b - a for a, b in zip(before, after, strict=False)) if before and after else None,
    }
    log(f"hostile traffic: {result}")
    return result


def django_script(env, name: str, marker: str) -> dict:
    """Run `bench/<name>` in a Django shell on `env`'s database and read the JSON line it prints."""
    out = manage(env, "shell", "-c", (ROOT / "bench" / name).read_text(), capture=True)
    line = next(x for x in out.splitlines() if x.startswith(marker + " "))
    return json.loads(line[len(marker) + 1 :])


class Publisher:
    """An editor publishing a page every 2 s (`bench/publisher.py`) while a scenario runs (`with publisher:`).

    The process starts once (`start`), ready, and publishes only inside `with`; `stop` counts its publishes.
    """

    def __init__(self, env, work: Path):
        self.env = env
        self.flag = work / "publishing"
        # A file, not a pipe: nobody reads the lines until `stop`, and a full pipe would stop the editor.
        self.output = work / "publisher.log"
        self.process = None
        self.published = 0

    def start(self):
        script = (ROOT / "bench" / "publisher.py").read_text()
        with self.output.open("w") as output:
            self.process = subprocess.Popen(
                [PY, "manage.py", "shell", "-c", script],
                cwd=ROOT,
                env={**self.env, "BENCH_PUBLISH_FLAG": str(self.flag)},
                stdout=output,
                text=True,
            )

    def __enter__(self):
        if self.process is None or self.process.poll() is not None:
            raise RuntimeError(f"the editor is not running: see {self.output}")
        self.flag.touch()
        return self

    def __exit__(self, *exc):
        self.flag.unlink(missing_ok=True)

    def stop(self):
        self.flag.unlink(missing_ok=True)
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=30)
            self.published += self.output.read_text().count("published ")
            self.process = None


def server_env(db_url: str, redis_url: str, port: int) -> dict:
    """The environment of the server and worker processes: production settings on loopback (cms.settings.bench)."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cms.settings.bench",
        "DATABASE_URL": db_url,
        "REDIS_URL": redis_url,
        # A throwaway key per run: the benchmark never shares secrets with a real deployment.
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",
        "GRAPHQL_GRAPHIQL": "false",
        "GRAPHQL_INTROSPECTION": "false",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_ACCESSLOG": "",
        # A recycled worker starts afresh: inside one scenario (bench) or hiding the growth looked for (soak).
        "GUNICORN_MAX_REQUESTS": "0",
    }


def task_worker(env, log=subprocess.DEVNULL) -> subprocess.Popen:
    return subprocess.Popen(
        [PY, "manage.py", "worker", "--no-reload"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=None if log is subprocess.DEVNULL else subprocess.STDOUT,
        start_new_session=True,
    )


def stop(process: subprocess.Popen):
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def first_request(env) -> dict:
    """`bench/first_request.py` on one database, its task worker running as in production."""
    worker = task_worker(env)
    try:
        return django_script(env, "first_request.py", "FIRST")
    finally:
        stop(worker)


def machine_info() -> dict:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        total_kb = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f"{total_kb / 1024 / 1024:.0f} GB"
    except (OSError, ValueError, IndexError):
        pass
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory": memory,
        "kernel": platform.release(),
        "python": platform.python_version(),
        "load_average_at_start": os.getloadavg(),
    }


def summarise(rounds: dict[str, list[dict]]) -> dict:
    summary = {}
    for name, runs in rounds.items():
        if not runs:
            continue
        requests = sum(r["requests"] for r in runs)
        duration = sum(r["duration_us"] for r in runs) / 1e6
        summary[name] = {
            "rps": requests / duration,
            # Each round's percentile, then the median of those: robust to one disturbed round.
            "p50_ms": sorted(r["p50_us"] for r in runs)[len(runs) // 2] / 1000,
            "p95_ms": sorted(r["p95_us"] for r in runs)[len(runs) // 2] / 1000,
            "p99_ms": sorted(r["p99_us"] for r in runs)[len(runs) // 2] / 1000,
            "non2xx": sum(r["non2xx"] for r in runs),
            "socket_errors": sum(r["socket_errors"] for r in runs),
            "rounds_rps": [round(r["rps"], 1) for r in runs],
            "cpu_ms": _median([r["cpu_ms_per_request"] for r in runs if "cpu_ms_per_request" in r]),
        }
    # Ratios are taken within each round, between runs seconds apart, and the median round is
    # reported: the load other tenants put on a shared machine drifts over minutes, and would
    # otherwise count against whichever scenario ran while it was high.
    for name, row in summary.items():
        # Random pages are compared with REST on the same random pages.
        rest = "rest_random" if name.startswith("random") else "rest"
        for base, column in (("bare", "vs_bare"), (rest, "vs_rest")):
            pairs = list(zip(rounds[name], rounds.get(base, []), strict=False))
            ratios = sorted(run["rps"] / base_run["rps"] for run, base_run in pairs if base_run["rps"])
            row[column] = ratios[len(ratios) // 2] if ratios else None
            row[f"rounds_{column}"] = [round(r, 3) for r in ratios]
        # Server CPU per request: what the same work costs whatever else the machine was doing.
        pairs = zip(rounds[name], rounds.get("bare", []), strict=False)
        row["cpu_vs_bare"] = _median(
            [
                base["cpu_ms_per_request"] / run["cpu_ms_per_request"]
                for run, base in pairs
                if run.get("cpu_ms_per_request")
            ]
        )
    return summary


def _median(values: list[float]) -> float | None:
    return sorted(values)[len(values) // 2] if values else None


def targets(summary: dict) -> list[tuple[str, bool | None]]:
    def get(name, key):
        return summary.get(name, {}).get(key)

    def at_least(value, floor):
        return None if value is None else value >= floor

    return [
        ("(3) >= 40% of (1)", at_least(get("graphql", "vs_bare"), 0.40)),
        ("(3) >= 4x (2)", at_least(get("graphql", "vs_rest"), 4.0)),
        ("(4) >= 80% of (1)", at_least(get("persisted", "vs_bare"), 0.80)),
        ("(5) p95 < 50 ms", None if get("search", "p95_ms") is None else get("search", "p95_ms") < 50),
        ("(6) >= 25% of (1)", at_least(get("random", "vs_bare"), 0.25)),
        ("(6) >= 4x (8)", at_least(get("random", "vs_rest"), 4.0)),
        ("(7) >= 10% of (1)", at_least(get("random_publishing", "vs_bare"), 0.10)),
    ]


def search_targets(cases: dict) -> list[tuple[str, bool | None]]:
    if not cases:
        return [("uncached search p95 < 50 ms in every case", None)]
    return [(f"uncached search p95 < 50 ms: {name}", case["p95_ms"] < 50) for name, case in cases.items()]


def first_request_targets(first: dict) -> list[tuple[str, bool | None]]:
    big, small = first.get("large"), first.get("small")
    if not big or not small:
        return [("first request after a publish", None)]
    return [
        ("first request after a publish: <= 8 SQL queries", big["queries_max"] <= 8),
        ("first request after a publish: <= 30 ms", big["p50_ms"] <= 30),
        ("first request: at 10,000 pages <= 1.5x at 1,000", big["p50_ms"] <= 1.5 * small["p50_ms"]),
    ]


def hostile_targets(hostile: dict) -> list[tuple[str, bool | None]]:
    if not hostile:
        return [("hostile traffic", None)]
    return [
        ("normal p95 under hostile traffic <= 2x quiet", hostile["p95_during_ms"] <= 2 * hostile["p95_quiet_ms"]),
        ("worker memory grows < 50 MB over the hostile requests", hostile["memory_growth_mb"] < 50),
    ]


def _number(value, spec: str) -> str:
    return "" if value is None else format(value, spec)


def markdown(result: dict) -> str:
    machine = result["machine"]
    setup = result["setup"]
    lines = [
        f"Run {result['finished_at']} on {machine['cpu']}, {machine['cores']} cores, {machine['memory']} RAM, "
        f"Linux {machine['kernel']}, Python {machine['python']}; load average at start "
        f"{', '.join(f'{x:.2f}' for x in machine['load_average_at_start'])}.",
        f"gunicorn {setup['workers']} workers x {setup['threads']} threads (gthread), PostgreSQL, Redis cache; "
        f"wrk -t{setup['wrk_threads']} -c{setup['connections']}, {setup['rounds']} alternating rounds of "
        f"{setup['seconds']} s per scenario, same host. Content: {setup['pages_total']} pages; "
        f"theme page {setup['page_id']} with {setup['blocks']} blocks.",
        "req/s and latencies over all rounds; ratios are the median round's, each round's runs side by side.",
        "",
        "| Scenario | req/s | p50 ms | p95 ms | vs (1) | vs (2) | server CPU ms/req | CPU vs (1) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, label in LABELS.items():
        row = result["scenarios"].get(name)
        if row is None:
            reason = result["unavailable"].get(name, "not run")
            lines.append(f"| {label} | not available: {reason} | | | | | | |")
            continue
        lines.append(
            f"| {label} | {row['rps']:.0f} | {row['p50_ms']:.1f} | {row['p95_ms']:.1f} | "
            f"{row['vs_bare']:.0%} | {row['vs_rest']:.1f}x | {_number(row['cpu_ms'], '.2f')} | "
            f"{_number(row['cpu_vs_bare'], '.0%')} |"
        )
    first = setup.get("search_first")
    if first:
        lines += [
            "",
            f"Scenario 5 sends the {first['queries']} judged queries in turn. Before timing, each was searched once "
            f"with nothing cached: p50 {first['p50_ms']:.0f} ms, p95 {first['p95_ms']:.0f} ms, "
            f"slowest {first['max_ms']:.0f} ms.",
        ]
    cases = result.get("search_latency") or {}
    if cases:
        lines += [
            "",
            "Uncached searches, one at a time on the quiet server after the rounds (`manage.py search_latency`): "
            "the worst cases a visitor can type.",
            "",
            "| Case | searches | p50 ms | p95 ms | max ms | most rows read |",
            "|---|---:|---:|---:|---:|---:|",
        ]
        for name, case in cases.items():
            lines.append(
                f"| {name} | {case['searches']} | {case['p50_ms']:.1f} | {case['p95_ms']:.1f} | "
                f"{case['max_ms']:.1f} | {case['max_rows']:,} |"
            )
    first = result.get("first_request") or {}
    if first:
        lines += [
            "",
            "First full-page request after a publish (in the server process; each sample publishes a page first):",
            "",
            "| Content | p50 ms | p95 ms | SQL queries (median, most) |",
            "|---|---:|---:|---:|",
        ]
        for key in ("small", "large"):
            row = first.get(key)
            if row:
                lines.append(
                    f"| {row['pages']:,} theme pages | {row['p50_ms']:.1f} | {row['p95_ms']:.1f} | "
                    f"{row['queries_p50']}, {row['queries_max']} |"
                )
    if result.get("worker_memory_mb"):
        lines += [
            "",
            f"Worker memory (RSS) after the rounds: {', '.join(f'{m:.0f} MB' for m in result['worker_memory_mb'])}.",
        ]
    if result.get("publishes_during_7"):
        lines.append(f"Scenario 7 ran with {result['publishes_during_7']} publishes in all.")
    hostile = result.get("hostile") or {}
    if hostile:
        lines += [
            "",
            f"Hostile traffic: {hostile['requests']} requests ({hostile['statuses']}; slowest {hostile['slowest_s']} s) "
            f"sent while scenario 6 ran: its p95 {hostile['p95_during_ms']:.1f} ms against {hostile['p95_quiet_ms']:.1f} ms "
            f"quiet; worker memory {hostile['memory_before_mb']} MB before, {hostile['memory_after_mb']} MB after.",
        ]
    lines += ["", "| Target | Met |", "|---|---|"]
    for name, met in result["targets"]:
        lines.append(f"| {name} | {'yes' if met else 'not available' if met is None else 'NO'} |")
    return "\n".join(lines) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pg-url", default=os.environ.get("PG_URL", "postgres://postgres@127.0.0.1:5432/test"))
    parser.add_argument("--database", default="cms_bench")
    parser.add_argument("--redis-url", default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/6"))
    parser.add_argument("--pages", type=int, default=10_000)
    parser.add_argument("--small-pages", type=int, default=1_000, help="Pages in the second database (first request).")
    parser.add_argument("--hostile", type=int, default=1_000, help="Hostile requests sent (0: none).")
    parser.add_argument("--rounds", type=int, default=8)
    parser.add_argument("--seconds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--wrk-threads", type=int, default=2)
    # By default the server runs as gunicorn.conf.py configures production.
    parser.add_argument("--workers", type=int)
    parser.add_argument("--threads", type=int)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--fresh", action="store_true", help="Drop and recreate the benchmark database.")
    args = parser.parse_args()

    wrk = ensure_wrk()
    parsed = urllib.parse.urlsplit(args.pg_url)
    admin_url = parsed._replace(path="/postgres").geturl()
    db_url = parsed._replace(path=f"/{args.database}").geturl()
    ensure_database(admin_url, args.database, args.fresh)

    env = server_env(db_url, args.redis_url, args.port)
    env.update({"GUNICORN_WORKERS": str(args.workers)} if args.workers else {})
    env.update({"GUNICORN_THREADS": str(args.threads)} if args.threads else {})
    content = prepare_content(env, args.pages)
    theme_ids = content.pop("theme_ids")
    random.Random(5).shuffle(theme_ids)
    server_config = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    # Nothing cached by an earlier run: the first searches below are really first.
    import redis

    redis.Redis.from_url(args.redis_url).flushdb()
    base = f"http://127.0.0.1:{args.port}"

    server = subprocess.Popen(
        [GUNICORN, "--config", "gunicorn.conf.py", "cms.wsgi:application"],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    # As in production: the task worker beside the server remakes, within a second of a publish, the stored
    # form of pages that show what was published (until then a read remakes it on the spot).
    worker = task_worker(env)
    work = Path(tempfile.mkdtemp(prefix="bench-"))
    unavailable = {}
    publisher = None
    try:
        wait_for(f"{base}/bench/bare/")
        script = work / "bench.lua"
        script.write_text(WRK_SCRIPT)
        variables = {"id": str(content["page_id"])}
        page_body = work / "page.json"
        page_body.write_text(json.dumps({"query": PAGE_QUERY, "variables": variables}))
        digest = hashlib.sha256(PAGE_QUERY.encode()).hexdigest()
        extensions = json.dumps({"persistedQuery": {"version": 1, "sha256Hash": digest}})
        persisted_url = f"{base}/graphql/?" + urllib.parse.urlencode(
            {"extensions": extensions, "variables": json.dumps(variables)}
        )

        # Each endpoint must answer correctly before it is timed.
        status, body = http(f"{base}/graphql/", page_body.read_bytes(), {"Content-Type": "application/json"})
        answer = json.loads(body)
        check(status == 200 and "errors" not in answer and answer["data"]["page"]["body"], body)
        registered = f"{persisted_url}&" + urllib.parse.urlencode({"query": PAGE_QUERY})
        check(json.loads(http(registered)[1]) == answer, b"registering the persisted query changed the answer")
        check(json.loads(http(persisted_url)[1]) == answer, b"the persisted GET answered differently")
        status, rest_body = http(f"{base}/api/v2/pages/{content['page_id']}/")
        check(status == 200 and json.loads(rest_body)["body"], rest_body)
        log(f"sizes: GraphQL {len(body)} B, REST {len(rest_body)} B")

        # Random pages: every generated theme page once, in a shuffled order (wrk threads start apart).
        random_bodies = work / "random.jsonl"
        random_bodies.write_text(
            "".join(json.dumps({"query": PAGE_QUERY, "variables": {"id": str(pk)}}) + "\n" for pk in theme_ids)
        )
        rest_paths = work / "rest_paths.txt"
        rest_paths.write_text("".join(f"/api/v2/pages/{pk}/\n" for pk in theme_ids))
        scenarios = {
            "bare": {"url": f"{base}/bench/bare/"},
            "rest": {"url": f"{base}/api/v2/pages/{content['page_id']}/"},
            "graphql": {"url": f"{base}/graphql/", "method": "POST", "body_file": str(page_body)},
            "persisted": {"url": persisted_url},
            "random": {"url": f"{base}/graphql/", "method": "POST", "body_file": str(random_bodies)},
            "random_publishing": {
                "url": f"{base}/graphql/",
                "method": "POST",
                "body_file": str(random_bodies),
                "publisher": True,
            },
            "rest_random": {"url": base, "paths_file": str(rest_paths)},
        }
        # Scenario 5: the judged queries in turn, each searched once first, as popular searches are.
        search_body = work / "search.jsonl"
        terms = [judged.query for judged in JUDGED_QUERIES]
        search_body.write_text(
            "".join(json.dumps({"query": SITE_SEARCH, "variables": {"query": t}}) + "\n" for t in terms)
        )
        first_ms = []
        for line in search_body.read_text().splitlines():
            started = time.monotonic()
            status, body = http(f"{base}/graphql/", line.encode(), {"Content-Type": "application/json"})
            first_ms.append((time.monotonic() - started) * 1000)
            check(status == 200 and "errors" not in json.loads(body), body)
        first_ms.sort()
        search_first = {
            "queries": len(first_ms),
            "p50_ms": first_ms[len(first_ms) // 2],
            "p95_ms": first_ms[int(len(first_ms) * 0.95)],
            "max_ms": first_ms[-1],
        }
        log(
            f"first search of each of {len(terms)} judged queries: p50 {search_first['p50_ms']:.0f} ms, "
            f"p95 {search_first['p95_ms']:.0f} ms, max {search_first['max_ms']:.0f} ms"
        )
        scenarios["search"] = {"url": f"{base}/graphql/", "method": "POST", "body_file": str(search_body)}

        rounds = {name: [] for name in scenarios}
        log(f"scenarios: {', '.join(scenarios)}")
        options = {"threads": args.wrk_threads, "connections": args.connections}
        # How far each list of bodies or paths has been asked through: the next run carries on from there,
        # so a random page is asked again only after the whole list (10,000 pages) has been.
        position: dict[str, int] = {}

        def run_listed(spec, seconds, server_pid=None):
            extra = {k: v for k, v in spec.items() if k not in ("url", "publisher")}
            listed = extra.get("body_file") or extra.get("paths_file") or spec["url"]
            stats = run_wrk(
                wrk,
                spec["url"],
                str(script),
                seconds=seconds,
                server_pid=server_pid,
                start=position.get(listed, 0),
                **options,
                **extra,
            )
            position[listed] = position.get(listed, 0) + stats["requests"] // args.wrk_threads
            return stats

        publisher = Publisher(env, work)
        publisher.start()
        log("warming up")
        for spec in scenarios.values():
            run_listed(spec, seconds=2)
        for number in range(args.rounds):
            for name, spec in scenarios.items():
                if spec.get("publisher"):
                    with publisher:
                        stats = run_listed(spec, args.seconds, server.pid)
                else:
                    stats = run_listed(spec, args.seconds, server.pid)
                rounds[name].append(stats)
                log(
                    f"round {number + 1} {name:17} {stats['rps']:8.1f} req/s  p50 {stats['p50_us'] / 1000:6.1f} ms"
                    f"  p95 {stats['p95_us'] / 1000:6.1f} ms  non-2xx {stats['non2xx']}"
                )
        publisher.stop()
        memory = worker_memory_mb(server.pid)
        log(f"worker memory after the rounds: {memory} MB; {publisher.published} publishes during scenario 7")
        hostile = run_hostile(
            lambda seconds, pid: run_listed(scenarios["random"], seconds, pid), server.pid, base, args.hostile
        )
    finally:
        if publisher is not None:
            publisher.stop()
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        stop(worker)
        shutil.rmtree(work, ignore_errors=True)

    # Whatever the words: the worst cases, with nothing cached, on the quiet database.
    try:
        report = manage(env, "search_latency", "-n", "10", "--json", capture=True)
        search_latency = json.loads(report.strip().splitlines()[-1])
    except (subprocess.CalledProcessError, ValueError, IndexError) as error:
        # The rounds are worth keeping without it; the table says "not available".
        log(f"search latency not measured: {getattr(error, 'stderr', None) or error}")
        search_latency = {}
    first = {"large": first_request(env)}
    if args.small_pages:
        small_name = f"{args.database}_small"
        ensure_database(admin_url, small_name, args.fresh)
        small_env = {**env, "DATABASE_URL": parsed._replace(path=f"/{small_name}").geturl()}
        prepare_content(small_env, args.small_pages)
        first["small"] = first_request(small_env)
    log(f"first full-page request after a publish: {first}")

    summary = summarise(rounds)
    result = {
        "finished_at": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": machine_info(),
        "setup": {
            "workers": args.workers or server_config["workers"],
            "threads": args.threads or server_config["threads"],
            "wrk_threads": args.wrk_threads,
            "connections": args.connections,
            "rounds": args.rounds,
            "seconds": args.seconds,
            **content,
            "search_queries": len(JUDGED_QUERIES),
            "search_first": search_first,
        },
        "scenarios": summary,
        "rounds": rounds,
        "unavailable": unavailable,
        "worker_memory_mb": memory,
        "publishes_during_7": publisher.published,
        "first_request": first,
        "search_latency": search_latency,
        "hostile": hostile,
    }
    result["targets"] = (
        targets(summary) + search_targets(search_latency) + first_request_targets(first) + hostile_targets(hostile)
    )
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "latest.json").write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    table = markdown(result)
    (RESULTS / "latest.md").write_text(table)
    print()
    print(table)
    failed = [name for name, met in result["targets"] if met is False]
    if any(row["non2xx"] or row["socket_errors"] for row in summary.values()):
        log("some requests failed (non-2xx or socket errors): see latest.json")
    if failed:
        log("targets not met: " + ", ".join(failed))
    return 0


if __name__ == "__main__":
    sys.exit(main())
