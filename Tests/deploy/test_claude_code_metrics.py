"""The Claude Code dashboard's totals: delta points (Claude Code's default) are summed as they are; a cumulative series
counts its rise inside the time range, or its whole value when it started inside the range."""
from datetime import timedelta

import grafana_files as gf
import telemetry_db as db
from grafana_sql import TimeRange, Variable, expand


def test_claude_code_totals_sum_delta_points_and_the_rise_of_cumulative_ones(pg, telemetry_db, reader_query):
    pg.run_sql("""
        INSERT INTO otlp_metrics (host_id, name, kind, temporality, start_ts, ts, value, attributes, point_id) VALUES
        ('cumhost', 'claude_code.token.usage', 'sum', 'cumulative', now() - interval '2 hours', now() - interval '50 minutes', 100, '{"type":"input"}', 'c1'),
        ('cumhost', 'claude_code.token.usage', 'sum', 'cumulative', now() - interval '2 hours', now() - interval '40 minutes', 150, '{"type":"input"}', 'c2'),
        ('cumhost', 'claude_code.token.usage', 'sum', 'cumulative', now() - interval '2 hours', now() - interval '30 minutes', 175, '{"type":"input"}', 'c3'),
        ('cumhost', 'claude_code.token.usage', 'sum', 'cumulative', now() - interval '20 minutes', now() - interval '10 minutes', 7, '{"type":"output"}', 'c4'),
        ('cumhost', 'claude_code.token.usage', 'sum', 'delta', now() - interval '20 minutes', now() - interval '10 minutes', 5, '{"type":"cacheRead"}', 'd1');
    """, telemetry_db, db.MIGRATOR, db.MIGRATOR_PASSWORD)
    dashboard = gf.dashboards()["claude-code"]
    tokens = next(p for p in gf.panels(dashboard) if p["title"] == "Tokens")["targets"][0]["rawSql"]
    variables = [Variable.from_dashboard(v, ["cumhost"]) for v in gf.variables(dashboard)]
    last_hour = reader_query(expand(tokens, TimeRange.last(timedelta(hours=1)), variables)).rows
    assert float(last_hour[0][0]) == (175 - 100) + 7 + 5
    last_three_hours = reader_query(expand(tokens, TimeRange.last(timedelta(hours=3)), variables)).rows
    assert float(last_three_hours[0][0]) == 175 + 7 + 5
