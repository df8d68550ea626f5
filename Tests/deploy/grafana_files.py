"""Reading the provisioned Grafana files: dashboards, their SQL targets, the data source, the alert rules."""
import json
import re

import yaml

from paths import DASHBOARDS, PROVISIONING


def dashboards():
    return {path.stem: json.loads(path.read_text()) for path in sorted(DASHBOARDS.glob("*.json"))}


def panels(dashboard):
    for panel in dashboard.get("panels", []):
        yield panel
        yield from panel.get("panels", [])  # inside rows


def sql_targets(dashboard):
    """(panel, target) for every raw SQL query on the dashboard."""
    for panel in panels(dashboard):
        for target in panel.get("targets", []):
            if "rawSql" in target:
                yield panel, target


def variables(dashboard):
    return dashboard.get("templating", {}).get("list", [])


def datasource():
    document = yaml.safe_load((PROVISIONING / "datasources" / "telemetry.yaml").read_text())
    (source,) = document["datasources"]
    return source


def alert_rules():
    document = yaml.safe_load((PROVISIONING / "alerting" / "rules.yaml").read_text())
    return [(group, rule) for group in document["groups"] for rule in group["rules"]]


def referenced_fields(panel):
    """Field names the panel's links and overrides rely on: the query must return columns of these names."""
    text = json.dumps(panel.get("fieldConfig", {}))
    names = set(re.findall(r"\$\{__data\.fields\.([A-Za-z0-9_]+)", text))
    for override in panel.get("fieldConfig", {}).get("overrides", []):
        matcher = override["matcher"]
        if matcher["id"] == "byNames":
            names.update(matcher["options"]["names"])
    x_field = panel.get("options", {}).get("xField")
    if x_field:
        names.add(x_field)
    return names
