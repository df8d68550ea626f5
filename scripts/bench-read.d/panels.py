"""Runs every dashboard panel, dashboard variable and alert rule query as Grafana would send it, times it, and prints
a table: per query and time range the median and worst of N runs (milliseconds, as psql's \\timing measures a
statement: sent, executed, every row received) and the rows returned; then each dashboard's total.

The SQL is expanded by the deploy tests' reproduction of Grafana (Tests/deploy/grafana_sql.py), so what is timed is
what the tests check. Connection: the PG* environment variables (PGHOST, PGPORT, PGUSER, PGDATABASE, PGPASSWORD).
"""
import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "Tests" / "deploy"))
import grafana_files as gf  # noqa: E402
from grafana_sql import TimeRange, Variable, expand, parse_interval, relative_time_range  # noqa: E402

ALL = ["$__all"]
# Grafana's $__interval: the range over the panel's width in pixels (maxDataPoints), rounded to a step of this
# list (rangeutil.roundInterval), and no less than the data source's timeInterval (1m). A dashboard is 24 grid
# columns; 1800 pixels stand for a full-width panel on a 1920-pixel screen.
ROUNDED_STEPS = [1, 2, 5, 10, 15, 20, 30, 60, 120, 300, 600, 1200, 1800, 3600, 7200, 21600, 43200, 86400]
FULL_WIDTH_PIXELS = 1800


def grafana_interval(range_seconds, panel, min_interval):
    """min_interval is the data source's; a panel's own "interval" (its Min interval option) replaces it."""
    if panel.get("interval"):
        min_interval = parse_interval(panel["interval"])
    pixels = max(1, panel.get("gridPos", {}).get("w", 24) * FULL_WIDTH_PIXELS // 24)
    raw = range_seconds / panel.get("maxDataPoints", pixels)
    rounded = next((step for step, following in zip(ROUNDED_STEPS, ROUNDED_STEPS[1:] + [None])
                    if following is None or raw < (step + following) / 2), ROUNDED_STEPS[-1])
    return max(rounded, min_interval)


class Runner:
    def __init__(self, psql, runs, slow_ms, timeout):
        self.psql, self.runs, self.slow_ms, self.timeout = psql, runs, slow_ms, timeout

    def time(self, sql):
        """{'times': [ms...], 'rows': n} or {'error': message}. Runs once more only while it stays under slow_ms."""
        times, rows = [], None
        for _ in range(self.runs):
            result = self._once(sql)
            if "error" in result:
                return result
            times.append(result["ms"])
            rows = result["rows"]
            if result["ms"] > self.slow_ms:
                break
        return {"times": times, "rows": rows}

    def _once(self, sql):
        statement = sql.strip().rstrip(";")
        with tempfile.NamedTemporaryFile("r", suffix=".out") as output:
            # psql's footer "(N rows)" counts the rows; \timing covers sending, executing and receiving, not printing.
            script = (f"SET statement_timeout = '{self.timeout}';\n\\timing on\n\\o {output.name}\n"
                      f"{statement}\n;\n")
            done = subprocess.run([self.psql, "-X", "-q", "-A", "-v", "ON_ERROR_STOP=1"], input=script,
                                  capture_output=True, text=True)
            if done.returncode != 0:
                message = done.stderr.strip().splitlines()[-1] if done.stderr.strip() else "psql failed"
                return {"error": "timeout" if "statement timeout" in message else message}
            times = [float(t) for t in re.findall(r"^Time: ([0-9.]+) ms", done.stdout, re.M)]
            rows = re.findall(r"^\((\d+) rows?\)$", output.read(), re.M)
        return {"ms": times[-1], "rows": int(rows[-1])}


def queries(range_seconds, one_host, psql_rows):
    """(dashboard, title, kind, selection, sql) for every query at this range; selection is 'all' or 'one host'."""
    time_range = TimeRange.last(timedelta(seconds=range_seconds))
    for name, dashboard in gf.dashboards().items():
        definitions = {v["name"]: v for v in gf.variables(dashboard)}
        min_interval = parse_interval("1m")
        selections = [("all hosts", {v: ALL for v, d in definitions.items() if d.get("includeAll")}),
                      ("one host", {v: ([one_host] if v == "host" else ALL)
                                    for v, d in definitions.items() if d.get("includeAll")})]
        if name == "session-timeline":
            # A host and the session the session variable lists first (the latest): what a viewer opens.
            hosts = [Variable.from_dashboard(definitions["host"], [one_host])]
            first = psql_rows(expand(definitions["session"]["query"], time_range, hosts))
            selections = [("one session", {"host": [one_host], "session": [first[0] if first else ""]})]
        for label, selection in selections:
            variables = [Variable.from_dashboard(d, selection.get(v, [""])) for v, d in definitions.items()]
            for variable, definition in definitions.items():
                yield name, f"variable ${variable}", "variable", label, expand(definition["query"], time_range,
                                                                                variables)
            for panel, target in gf.sql_targets(dashboard):
                interval = grafana_interval(range_seconds, panel, min_interval)
                yield name, panel["title"], panel["type"], label, expand(target["rawSql"], time_range, variables,
                                                                         interval)


def alert_queries():
    for _, rule in gf.alert_rules():
        for query in rule["data"]:
            if query["datasourceUid"] != "__expr__":
                yield ("alert rules", rule["title"], "alert", "all hosts",
                       expand(query["model"]["rawSql"], relative_time_range(query["relativeTimeRange"])))


def psql_rows_function(psql):
    def rows(sql):
        done = subprocess.run([psql, "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-c", sql],
                              capture_output=True, text=True, check=True)
        return [line for line in done.stdout.splitlines() if line]
    return rows


def cell(result):
    if "error" in result:
        return result["error"][:24]
    times = result["times"]
    return f"{statistics.median(times):.0f}/{max(times):.0f} ({result['rows']})"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--psql", default="psql")
    parser.add_argument("--ranges", nargs="+", default=["6h", "24h", "7d", "30d"])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--slow-ms", type=float, default=20000)
    parser.add_argument("--timeout", default="120s")
    parser.add_argument("--one-host", default="host-001")
    parser.add_argument("--json", help="also write every measurement here")
    args = parser.parse_args()

    runner = Runner(args.psql, args.runs, args.slow_ms, args.timeout)
    psql_rows = psql_rows_function(args.psql)
    results = {}  # (dashboard, title, kind, selection) -> {range: result}
    for range_text in args.ranges:
        for key_and_sql in queries(parse_interval(range_text), args.one_host, psql_rows):
            *key, sql = key_and_sql
            results.setdefault(tuple(key), {})[range_text] = runner.time(sql)
            print(f"{range_text} {' | '.join(key)}: {cell(results[tuple(key)][range_text])}", file=sys.stderr)
    for key_and_sql in alert_queries():
        *key, sql = key_and_sql
        result = runner.time(sql)
        results[tuple(key)] = {r: result for r in args.ranges}  # an alert's range is its own, whatever the view

    print("Per query: median/worst ms of the runs (rows returned). Alert rules use their own range "
          "(10 and 15 minutes), shown in every column.")
    header = ["dashboard", "query", "type", "selection", *args.ranges]
    lines = [[*key, *(cell(by_range[r]) for r in args.ranges)] for key, by_range in results.items()]
    print_table(header, lines)
    print()
    print("Per dashboard and selection: sum of the query medians in ms (Grafana runs them up to 10 at a time, "
          "on 2 cores about half this), and the slowest query.")
    totals = {}
    for key, by_range in results.items():
        for range_text, result in by_range.items():
            total = totals.setdefault((key[0], key[3], range_text), [0.0, 0.0, False])
            if "error" in result:
                total[2] = True
                continue
            median = statistics.median(result["times"])
            total[0] += median
            total[1] = max(total[1], median)
    dashboards = sorted({(d, s) for d, s, _ in totals})
    def total_cell(dashboard, selection, range_text):
        total, slowest, errors = totals[(dashboard, selection, range_text)]
        return f"{total:.0f} (max {slowest:.0f})" + (" +errors" if errors else "")

    print_table(["dashboard", "selection", *args.ranges],
                [[d, s, *(total_cell(d, s, r) for r in args.ranges)] for d, s in dashboards])
    if args.json:
        Path(args.json).write_text(json.dumps([{"query": list(k), "results": v} for k, v in results.items()],
                                              indent=1))
    failed = [key for key, by_range in results.items() if any("error" in r and r["error"] != "timeout"
                                                               for r in by_range.values())]
    if failed:
        print(f"queries that failed: {failed}", file=sys.stderr)
        sys.exit(1)


def print_table(header, lines):
    """Text columns left-aligned, the measured ones right-aligned."""
    text_columns = len(header) - sum(1 for h in header if re.fullmatch(r"\d+[smhdw]", h))
    widths = [max(len(str(row[i])) for row in [header, *lines]) for i in range(len(header))]
    for row in [header, *lines]:
        print("  ".join(str(v).ljust(w) if i < text_columns else str(v).rjust(w)
                        for i, (v, w) in enumerate(zip(row, widths))).rstrip())


if __name__ == "__main__":
    main()
