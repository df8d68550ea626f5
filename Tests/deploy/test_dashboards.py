"""The provisioned dashboards: Grafana 11's schema, what the issue asks of them, and how they link to each other."""
import re
from urllib.parse import parse_qs, urlsplit

import pytest
import yaml

import grafana_files as gf
from paths import PROVISIONING, REPO
from schemas import dashboard_errors

DASHBOARDS = gf.dashboards()
DATASOURCE = gf.datasource()


def panel_titled(dashboard, title):
    matches = [p for p in gf.panels(dashboard) if p.get("title") == title]
    assert len(matches) == 1, f"expected one panel titled {title!r}, found {len(matches)}"
    return matches[0]


@pytest.mark.parametrize("name", sorted(DASHBOARDS))
def test_dashboard_validates_against_the_grafana_11_schema(name):
    assert dashboard_errors(DASHBOARDS[name]) == []


def test_the_dashboards_are_the_overview_the_session_timeline_claude_code_and_traces():
    assert {d["uid"] for d in DASHBOARDS.values()} == {"agent-overview", "session-timeline", "claude-code", "traces"}
    for name, dashboard in DASHBOARDS.items():
        assert dashboard["uid"] == name, "the file is named after the dashboard's uid"


def test_overview_has_host_and_agent_variables_that_allow_all_and_several_values():
    overview = DASHBOARDS["agent-overview"]
    by_name = {v["name"]: v for v in gf.variables(overview)}
    assert set(by_name) == {"host", "agent"}
    for variable in by_name.values():
        assert variable["type"] == "query"
        assert variable["multi"] and variable["includeAll"]
        assert variable["current"]["value"] == ["$__all"]
        # The custom All value keeps a fresh install (no hosts yet) from sending "IN ()".
        assert variable["allValue"] == "'__all'"


def test_overview_answers_what_the_issue_asks():
    overview = DASHBOARDS["agent-overview"]
    wanted = {
        "Events by host": "timeseries",
        "Decisions": "timeseries",
        "Latency percentiles": "timeseries",
        "Latency by agent": "barchart",
        "Latency by tool": "barchart",
        "Top tools": "bargauge",
        "Model tier mix": "piechart",
        "Active sessions": "stat",
        "Sessions": "timeseries",
        "Hosts gone silent": "table",
        "Recent events": "table",
        "Transcripts": "table",
    }
    for title, panel_type in wanted.items():
        assert panel_titled(overview, title)["type"] == panel_type, title


def test_decisions_panel_colours_approved_green_and_denied_red():
    decisions = panel_titled(DASHBOARDS["agent-overview"], "Decisions")
    colours = {tuple(o["matcher"]["options"]["names"]): o["properties"][0]["value"]["fixedColor"]
               for o in decisions["fieldConfig"]["overrides"]}
    assert colours[("approved",)] == "green" and colours[("denied",)] == "red"


def test_homeassistant_card_url_opens_the_overview_with_a_30s_refresh():
    overview = DASHBOARDS["agent-overview"]
    # The card points at /grafana/d/agent-overview?orgId=1&refresh=30s&kiosk
    assert overview["uid"] == "agent-overview"
    assert "30s" in overview["timepicker"]["refresh_intervals"]
    assert overview["refresh"] == "30s"


@pytest.mark.parametrize("title", ["Recent events", "Transcripts"])
def test_overview_tables_link_each_row_to_its_session_timeline(title):
    table = panel_titled(DASHBOARDS["agent-overview"], title)
    (link,) = table["fieldConfig"]["defaults"]["links"]
    url = urlsplit(link["url"])
    timeline = DASHBOARDS["session-timeline"]
    assert url.path == f"/d/{timeline['uid']}/session-timeline"
    query = parse_qs(url.query)
    assert query["var-host"] == ["${__data.fields.host:percentencode}"]
    assert query["var-session"] == ["${__data.fields.session:percentencode}"]
    assert "${__url_time_range}" in url.query
    assert {v["name"] for v in gf.variables(timeline)} == {"host", "session"}


def test_session_timeline_shows_the_events_and_the_transcript_of_one_session():
    timeline = DASHBOARDS["session-timeline"]
    assert panel_titled(timeline, "Timeline")["type"] == "table"
    transcript = panel_titled(timeline, "Transcript")
    assert "FROM transcripts" in transcript["targets"][0]["rawSql"]
    for variable in gf.variables(timeline):
        assert not variable.get("multi") and not variable.get("includeAll")


@pytest.mark.parametrize("name", sorted(DASHBOARDS))
def test_every_query_uses_the_provisioned_read_only_data_source(name):
    dashboard = DASHBOARDS[name]
    expected = {"type": DATASOURCE["type"], "uid": DATASOURCE["uid"]}
    for panel, target in gf.sql_targets(dashboard):
        assert panel["datasource"] == expected, panel["title"]
        assert target["datasource"] == expected, panel["title"]
        assert target["rawQuery"] is True and target["editorMode"] == "code"
    for variable in gf.variables(dashboard):
        assert variable["datasource"] == expected, variable["name"]
    assert all(p.get("targets") for p in gf.panels(dashboard) if p["type"] != "row")


@pytest.mark.parametrize("name", sorted(DASHBOARDS))
def test_time_groups_use_the_alias_macro(name):
    # $__timeGroup(...) followed by a comma is silently rewritten by Grafana; $__timeGroupAlias says what it does.
    for panel, target in gf.sql_targets(DASHBOARDS[name]):
        assert not re.search(r"\$__timeGroup\(", target["rawSql"]), panel["title"]
        if target["format"] == "time_series":
            assert "$__timeGroupAlias(" in target["rawSql"], panel["title"]
            assert re.search(r"GROUP BY 1\b", target["rawSql"]), panel["title"]


@pytest.mark.parametrize("name", sorted(DASHBOARDS))
def test_panels_have_unique_ids_and_do_not_overlap(name):
    cells = {}
    ids = [p["id"] for p in gf.panels(DASHBOARDS[name])]
    assert len(ids) == len(set(ids))
    for panel in gf.panels(DASHBOARDS[name]):
        g = panel["gridPos"]
        assert g["x"] + g["w"] <= 24, panel["title"]
        for x in range(g["x"], g["x"] + g["w"]):
            for y in range(g["y"], g["y"] + g["h"]):
                assert (x, y) not in cells, f"{panel['title']} overlaps {cells[(x, y)]}"
                cells[(x, y)] = panel["title"]


def test_datasource_connects_as_the_read_only_role_with_the_password_from_the_environment():
    assert DATASOURCE["type"] == "grafana-postgresql-datasource"
    assert DATASOURCE["uid"] == "telemetry-postgres"
    assert DATASOURCE["user"] == "grafana_reader"
    assert DATASOURCE["secureJsonData"]["password"] == "$GRAFANA_READER_PASSWORD"
    assert DATASOURCE["jsonData"]["database"] == "$POSTGRES_DB"
    assert DATASOURCE["url"] == "postgres:5432"
    assert DATASOURCE["editable"] is False


def test_dashboard_provider_reads_the_folder_compose_mounts():
    provider = yaml.safe_load((PROVISIONING / "dashboards" / "telemetry.yaml").read_text())["providers"][0]
    compose = yaml.safe_load((REPO / "docker-compose.yml").read_text())
    mounts = compose["services"]["grafana"]["volumes"]
    assert f"./grafana/dashboards:{provider['options']['path']}:ro" in mounts
    assert "./grafana/provisioning:/etc/grafana/provisioning:ro" in mounts
    assert provider["type"] == "file" and provider["allowUiUpdates"] is False
