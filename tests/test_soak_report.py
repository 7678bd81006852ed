"""`make soak`'s verdict (bench/soak.py): its arguments, and what passes and what fails. The soak itself runs by hand."""

import json
from urllib.parse import parse_qs, urlsplit

import pytest

from bench.soak import MIX, Minute, Outcome, failures, parse_args, report, request_lines


def minute(number=1, **errors) -> Minute:
    counts = {"non200": 0, "graphql_errors": 0, "socket_errors": 0, **errors}
    return Minute(number, requests=6000, seconds=60.0, p50_ms=8, p95_ms=30, **counts)


def outcome(start=None, end=None, minutes=None, publishes=40) -> Outcome:
    start = start if start is not None else {"gunicorn 11": 200.0, "gunicorn 12": 210.0, "task worker": 150.0}
    return Outcome(minutes or [minute(1), minute(2)], start, end if end is not None else dict(start), publishes)


def test_minutes_come_from_soak_minutes_and_default_to_ten(monkeypatch):
    monkeypatch.delenv("SOAK_MINUTES", raising=False)
    assert parse_args([]).minutes == 10
    monkeypatch.setenv("SOAK_MINUTES", "2")
    assert parse_args([]).minutes == 2
    assert parse_args(["--minutes", "0.5"]).minutes == 0.5


@pytest.mark.parametrize(
    "argv", [["--minutes", "0"], ["--minutes", "ten"], ["--pages", "0"], ["--publish-seconds", "0"]]
)
def test_nonsense_arguments_are_refused(argv, capsys):
    with pytest.raises(SystemExit) as exited:
        parse_args(argv)
    assert exited.value.code == 2
    assert "error:" in capsys.readouterr().err


def test_a_clean_run_passes_and_reports_each_minute_and_process():
    clean = outcome(end={"gunicorn 11": 219.0, "gunicorn 12": 210.0, "task worker": 140.0})
    assert failures(clean) == []
    text = report(clean)
    assert "| 2 | 6000 | 100 | 8.0 | 30.0 | 0 | 0 | 0 |" in text
    assert "| gunicorn 11 | 200.0 | 219.0 | +9.5% |" in text
    assert "12000 requests in 2.0 min (100 req/s), 0 errors, 40 publishes; 0 errors logged" in text
    assert text.rstrip().endswith("PASS (0 errors, memory growth under 10 %)")


@pytest.mark.parametrize(
    ("run", "problem"),
    [
        (outcome(minutes=[minute(1), minute(2, graphql_errors=1)]), "1 requests failed"),
        (outcome(minutes=[minute(1, non200=2, socket_errors=1)]), "3 requests failed"),
        (
            outcome(end={"gunicorn 11": 220.0, "gunicorn 12": 210.0, "task worker": 150.0}),
            "gunicorn 11 grew from 200 MB to 220 MB (+10%)",
        ),
        (outcome(end={"gunicorn 11": 200.0, "gunicorn 12": None, "task worker": 150.0}), "gunicorn 12 is gone"),
        (outcome(end={"gunicorn 11": 200.0, "gunicorn 13": 90.0, "task worker": 150.0}), "gunicorn 12 is gone"),
        (
            outcome(end={"gunicorn 11": 200.0, "gunicorn 12": 210.0, "gunicorn 13": 90.0, "task worker": 150.0}),
            "gunicorn 13 appeared",
        ),
        (outcome(publishes=0), "no page was published"),
        (
            Outcome([minute()], {"task worker": 150.0}, {"task worker": 150.0}, 40, logged_errors=2),
            "2 errors in the server",
        ),
    ],
)
def test_errors_memory_growth_a_replaced_worker_or_no_publishing_fail(run, problem):
    found = failures(run)
    assert any(problem in line for line in found), found
    assert "FAIL: " in report(run)


def test_the_mix_asks_every_page_both_ways_and_searches_in_turn():
    lines = [line.split("\t") for line in request_lines(list(range(1, 21)), ["bredbånd", "butikk"])]
    kinds = [
        "search" if "siteSearch" in body else "persisted" if method == "GET" else "page" for method, _, body in lines
    ]
    assert kinds[: len(MIX)] == MIX
    posted = [json.loads(body) for method, _, body in lines if method == "POST"]
    assert {q["variables"]["id"] for q in posted if "siteSearch" not in q["query"]} == {str(n) for n in range(1, 21)}
    assert {q["variables"]["query"] for q in posted if "siteSearch" in q["query"]} == {"bredbånd", "butikk"}
    persisted = [parse_qs(urlsplit(path).query) for method, path, _ in lines if method == "GET"]
    assert {json.loads(q["variables"][0])["id"] for q in persisted} == {str(n) for n in range(1, 21)}
    assert all("query" not in q and "sha256Hash" in q["extensions"][0] for q in persisted)
