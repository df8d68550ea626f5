"""The rollups (sql/015_rollups.sql) agree with the raw rows: every dashboard panel that reads them over a range of
days gives the numbers its raw-row branch gives for the same range, on the seeded telemetry plus late events, replayed
events and rows inserted with plain SQL after a first fold, all folded as the collector's job folds them."""
import re
from datetime import datetime, timedelta, timezone

import pytest

import grafana_files as gf
import telemetry_db as db
from grafana_sql import TimeRange, Variable, expand
from paths import REPO
from pgcluster import QueryError

DATABASE = "telemetry_rollups"
DASHBOARDS = gf.dashboards()
RAW_SWITCH = "rollup_width($__timeFrom(), $__timeTo())"
ALL = ["$__all"]
# A percentile from the histograms lies within a bucket (a factor of 2^0.5) of the raw values around its rank:
# percentile_cont interpolates between those two values, the histogram inside the bucket of the rank.
BUCKET_RATIO = 2 ** 0.5
PERCENTILE_CONT = re.compile(r"percentile_cont\((0\.\d+)\) WITHIN GROUP \(ORDER BY latency_ms\)")


def neighbour(rounding):
    """The raw value just below (floor) or above (ceil) a percentile's rank, in place of percentile_cont."""
    return lambda match: (f"((array_agg(latency_ms ORDER BY latency_ms))"
                          f"[{rounding}({match.group(1)} * (count(latency_ms) - 1))::int + 1])::float8")


@pytest.fixture(scope="module")
def rollups_db(pg):
    db.create_database(pg, DATABASE)
    db.apply_migrations(pg, DATABASE)
    pg.run_file(str(REPO / "Tests" / "deploy" / "seed.sql"), DATABASE, user=db.MIGRATOR)
    db.fold_rollups(pg, DATABASE)
    # After a first fold: late events (old timestamps, arriving now) into hours already folded, a batch replayed
    # as the collector replays it (ON CONFLICT DO NOTHING, with one new event in it), and plain SQL inserts.
    pg.run_sql("""
        INSERT INTO events (host_id, session_id, event_type, ts, agent_name, decision, tool_name, latency_ms,
                            model_tier, event_id)
        SELECT 'laptop', 'laptop-session-late', 'tool_error', now() - interval '3 hours' - make_interval(mins => i),
               'code-review', 'DENIED', 'Bash', 5000 + i, 'opus', 'late-' || i
        FROM generate_series(0, 19) AS i;
        INSERT INTO events (host_id, session_id, event_type, ts, agent_name, decision, tool_name, latency_ms,
                            model_tier, event_id)
        SELECT host_id, session_id, event_type, ts, agent_name, decision, tool_name, latency_ms, model_tier, event_id
        FROM events WHERE host_id = 'ci-runner'
        UNION ALL
        SELECT 'ci-runner', 'ci-build-now', 'agent_execution', now() - interval '2 minutes', 'tool-approve',
               'APPROVED', 'Read', 42, 'haiku', 'replay-new'
        ON CONFLICT (host_id, event_id, ts) DO NOTHING;
        INSERT INTO events (host_id, session_id, event_type, ts, agent_name, tool_name, latency_ms, event_id)
        SELECT 'bulk-loaded', 'bulk-' || (i % 3), 'agent_execution', now() - make_interval(mins => 20 * i),
               'tool-approve', 'Grep', 200 + (7 * i) % 300, 'bulk-' || i
        FROM generate_series(0, 199) AS i;
        INSERT INTO otlp_metrics (host_id, session_id, name, kind, unit, temporality, is_monotonic, start_ts, ts,
                                  value, attributes, point_id)
        SELECT 'laptop', 'laptop-session-late', 'claude_code.cost.usage', 'sum', 'USD', 'delta', true,
               now() - interval '26 hours', now() - interval '26 hours' + make_interval(mins => i), 0.5,
               '{"model": "claude-opus-4-5"}', 'late-point-' || i
        FROM generate_series(0, 9) AS i;
        """, DATABASE, user=db.MIGRATOR)
    db.fold_rollups(pg, DATABASE)
    db.give_reader_login(pg, DATABASE)
    return DATABASE


def query(pg, sql):
    return pg.query(sql, DATABASE, db.READER, db.READER_PASSWORD)


def aligned_range(days, unit_seconds):
    """The last `days` days, starting on a boundary of the rollups' buckets; ending now, as a dashboard does."""
    now = datetime.now(timezone.utc)
    start = now - timedelta(days=days)
    start = datetime.fromtimestamp(start.timestamp() // unit_seconds * unit_seconds, timezone.utc)
    return TimeRange(start, now)


# (range in days, the rollup width it reads, its bucket in seconds): a week or less reads hours, beyond that days.
RANGES = [pytest.param(3, 3600, id="3 days, hourly"), pytest.param(12, 86400, id="12 days, daily")]


def both_ways(pg, dashboard, title, time_range, interval, selection, rewrite=lambda sql: sql):
    """The panel's rows as the dashboard reads them (rollups), and with its raw-row branch forced on (and its SQL
    rewritten)."""
    definitions = gf.variables(DASHBOARDS[dashboard])
    variables = [Variable.from_dashboard(d, selection.get(d["name"], ALL)) for d in definitions]
    if title.startswith("variable "):
        sql = next(d["query"] for d in definitions if d["name"] == title.removeprefix("variable $"))
    else:
        sql = next(t["rawSql"] for p, t in gf.sql_targets(DASHBOARDS[dashboard]) if p["title"] == title)
    assert RAW_SWITCH in sql or title.startswith("variable "), title
    rolled = query(pg, expand(sql, time_range, variables, interval))
    raw_sql = rewrite(sql.replace(RAW_SWITCH, "'raw'").replace("rollup_series(", "false AND rollup_series("))
    raw = query(pg, expand(raw_sql, time_range, variables, interval))
    return rolled, raw


def label(value):
    """A time or a name; 3600 and 3600.000000 are the same time."""
    try:
        return float(value)
    except (TypeError, ValueError):
        return value


def keyed(result, key_columns):
    return {tuple(label(v) for v in row[:key_columns]): row[key_columns:] for row in result.rows}


def assert_same(rolled, raw, key_columns, approximate=(), raw_above=None):
    """Every row and value the same; the approximate columns between raw (the value below the rank) and raw_above
    (the value above it), give or take a bucket."""
    assert rolled.names == raw.names
    rolled_rows, raw_rows = keyed(rolled, key_columns), keyed(raw, key_columns)
    above_rows = keyed(raw_above, key_columns) if raw_above else raw_rows
    assert rolled_rows.keys() == raw_rows.keys()
    assert raw_rows, "the comparison needs rows"
    for key, values in raw_rows.items():
        for name, expected, above, got in zip(rolled.names[key_columns:], values, above_rows[key], rolled_rows[key]):
            if expected is None or got is None:
                assert expected == got, (key, name)
            elif name in approximate:
                assert float(expected) / BUCKET_RATIO - 1 <= float(got) <= float(above) * BUCKET_RATIO + 1, (key, name)
            else:
                assert float(got) == pytest.approx(float(expected), rel=1e-9, abs=1e-9), (key, name, got, expected)


EXACT = [
    # (dashboard, panel, key columns: labels and time that identify a row)
    ("agent-overview", "Events", 0),
    ("agent-overview", "Denied", 0),
    ("agent-overview", "Errors", 0),
    ("agent-overview", "Hosts reporting", 0),
    ("agent-overview", "Events by host", 2),
    ("agent-overview", "Decisions", 1),
    ("agent-overview", "Sessions", 1),
    ("agent-overview", "Top tools", 1),
    ("agent-overview", "Model tier mix", 1),
    ("claude-code", "Cost", 0),
    ("claude-code", "Tokens", 0),
    ("claude-code", "Lines changed", 0),
    ("claude-code", "Sessions", 0),
    ("claude-code", "API requests", 0),
    ("claude-code", "Tool success", 0),
    ("claude-code", "Cost by model", 2),
    ("claude-code", "Tokens by type", 2),
    ("claude-code", "Lines of code", 2),
    ("claude-code", "Cost and tokens by host and model", 2),
    ("claude-code", "Tool success by tool", 1),
    ("claude-code", "Hook calls", 2),
]
PERCENTILES = [
    ("agent-overview", "Latency percentiles", 1, ("p50", "p95", "p99")),
    ("agent-overview", "Latency by agent", 1, ("p50", "p95", "p99")),
    ("agent-overview", "Latency by tool", 1, ("p50", "p95", "p99")),
    ("claude-code", "API latency", 1, ("p50", "p95")),
]
SELECTIONS = [pytest.param({}, id="all hosts"), pytest.param({"host": ["laptop"], "agent": ALL}, id="one host")]


@pytest.mark.parametrize("days, unit", RANGES)
@pytest.mark.parametrize("selection", SELECTIONS)
@pytest.mark.parametrize("dashboard, title, key_columns", EXACT, ids=[f"{d}:{t}" for d, t, _ in EXACT])
def test_rollups_give_the_raw_numbers(pg, rollups_db, dashboard, title, key_columns, days, unit, selection):
    rolled, raw = both_ways(pg, dashboard, title, aligned_range(days, unit), unit, selection)
    assert_same(rolled, raw, key_columns)


@pytest.mark.parametrize("days, unit", RANGES)
@pytest.mark.parametrize("dashboard, title, key_columns, approximate", PERCENTILES,
                         ids=[f"{d}:{t}" for d, t, _, _ in PERCENTILES])
def test_percentiles_from_the_histograms_lie_within_a_bucket_of_the_raw_ones(pg, rollups_db, dashboard, title,
                                                                             key_columns, approximate, days, unit):
    time_range = aligned_range(days, unit)
    rolled, below = both_ways(pg, dashboard, title, time_range, unit, {},
                              lambda sql: PERCENTILE_CONT.sub(neighbour("floor"), sql))
    _, above = both_ways(pg, dashboard, title, time_range, unit, {},
                         lambda sql: PERCENTILE_CONT.sub(neighbour("ceil"), sql))
    assert_same(rolled, below, key_columns, approximate, above)


def test_claude_codes_recent_sessions_are_the_raw_sessions_with_their_requests_cost_and_tool_runs(pg, rollups_db):
    rolled, raw = both_ways(pg, "claude-code", "Recent sessions", aligned_range(3, 3600), 3600, {})
    columns = ["api_requests", "cost", "tool_runs"]
    pick = [rolled.names.index(c) for c in columns]
    as_dict = lambda result: {(r[0], r[1]): [float(r[i]) for i in pick] for r in result.rows}  # noqa: E731
    assert as_dict(rolled) == as_dict(raw) and as_dict(raw)


def test_late_replayed_and_plain_sql_rows_are_all_counted_once(pg, rollups_db):
    raw = pg.query("SELECT count(*) FROM events", DATABASE, "postgres").rows[0][0]
    rolled = pg.query("SELECT sum(events) FROM rollup_events WHERE width = 'day'", DATABASE, "postgres").rows[0][0]
    assert int(rolled) == int(raw)
    assert pg.query("SELECT count(*) FROM rollup_dirty", DATABASE, "postgres").rows == [["0"]]
    late = pg.query("SELECT sum(events) FROM rollup_events WHERE width = 'hour' AND agent_name = 'code-review' "
                    "AND host_id = 'laptop' AND bucket < now() - interval '2 hours'", DATABASE, "postgres").rows
    assert int(late[0][0]) >= 20


def test_the_variables_list_what_the_raw_rows_hold(pg, rollups_db):
    time_range = aligned_range(3, 3600)
    hosts = query(pg, expand(next(v["query"] for v in gf.variables(DASHBOARDS["agent-overview"]) if v["name"] == "host"),
                             time_range, []))
    raw = pg.query(f"SELECT DISTINCT host_id FROM events WHERE ts BETWEEN '{time_range.start.isoformat()}' AND "
                   f"'{time_range.end.isoformat()}' ORDER BY 1", DATABASE, "postgres")
    assert hosts.rows == raw.rows and "bulk-loaded" in [r[0] for r in hosts.rows]


def test_the_reader_cannot_fold_refresh_or_write_rollups(pg, rollups_db):
    for statement in ("SELECT rollups_fold(10)", "SELECT rollups_refresh(now() - interval '1 day', now())",
                      "DELETE FROM rollup_dirty", "INSERT INTO rollup_events (width) VALUES ('hour')"):
        with pytest.raises(QueryError, match="permission denied|read-only transaction"):
            query(pg, statement)
