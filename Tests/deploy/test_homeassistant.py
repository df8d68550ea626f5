"""The README's HomeAssistant `rest:` block: it has the shape HomeAssistant's RESTful integration accepts
(homeassistant/components/rest/schema.py: the resource keys and, per sensor, the template sensor keys), and every
value it reads (`value_json.<name>` in each value_template, each json_attributes name) is in a real answer of the
summary endpoint to a read key."""
import http.client
import json
import re

import pytest
import yaml

import telemetry_db as db
from caddy_proxy import MAX_BODY_BYTES, MAX_TRANSCRIPT_BYTES
from collector_process import Collector
from paths import REPO
from pgcluster import free_port

DATABASE = "telemetry_homeassistant"
# RESOURCE_SCHEMA and the sensor's keys (SENSOR_SCHEMA with the template entity's base keys).
RESOURCE_KEYS = {"resource", "resource_template", "authentication", "username", "password", "headers", "params", "method", "payload", "verify_ssl",
                 "timeout", "encoding", "scan_interval", "sensor", "binary_sensor", "ssl_cipher_list"}
SENSOR_KEYS = {"name", "unique_id", "value_template", "availability", "icon", "picture", "device_class",
               "unit_of_measurement", "state_class", "json_attributes", "json_attributes_path", "force_update"}
VALUE_JSON = re.compile(r"value_json\.(\w+)")


class HomeAssistantLoader(yaml.SafeLoader):
    """YAML as HomeAssistant reads it: `!secret name` is a value from secrets.yaml."""


HomeAssistantLoader.add_constructor("!secret", lambda loader, node: f"<secret {loader.construct_scalar(node)}>")


def rest_block():
    blocks = re.findall(r"```yaml\n(rest:\n.*?)```", (REPO / "README.md").read_text(), re.DOTALL)
    assert len(blocks) == 1, "the README should have one ```yaml block starting with rest:"
    return yaml.load(blocks[0], Loader=HomeAssistantLoader)["rest"]


def test_the_block_has_the_shape_of_homeassistants_rest_integration():
    resources = rest_block()
    assert isinstance(resources, list) and resources
    for resource in resources:
        assert set(resource) <= RESOURCE_KEYS, set(resource) - RESOURCE_KEYS
        assert re.fullmatch(r"https://[^/]+/api/v1/stats/summary(\?window=\d+[mhd])?", resource["resource"])
        assert resource["headers"] == {"X-API-Key": "<secret telemetry_read_key>"}
        assert isinstance(resource["scan_interval"], int) and resource["scan_interval"] >= 30
        assert isinstance(resource["sensor"], list) and resource["sensor"]
        for sensor in resource["sensor"]:
            assert set(sensor) <= SENSOR_KEYS, set(sensor) - SENSOR_KEYS
            assert {"name", "value_template"} <= set(sensor)
            assert VALUE_JSON.search(sensor["value_template"]), sensor
            assert isinstance(sensor.get("json_attributes", []), list)
        unique = [sensor["unique_id"] for sensor in resource["sensor"]]
        assert len(unique) == len(set(unique))


@pytest.fixture(scope="module")
def summary(pg):
    process = Collector(pg.dsn(db.MIGRATOR, db.MIGRATOR_PASSWORD, DATABASE), free_port(), MAX_BODY_BYTES,
                        MAX_TRANSCRIPT_BYTES)
    db.create_database(pg, DATABASE)
    try:
        process.run("migrate")
        key = process.run("keys", "create", "--read", "--description", "HomeAssistant").strip()
        process.start()
        query = rest_block()[0]["resource"].partition("/api/v1/stats/summary")[2]
        connection = http.client.HTTPConnection("127.0.0.1", process.port, timeout=15)
        connection.request("GET", "/api/v1/stats/summary" + query, headers={"X-API-Key": key})
        answer = connection.getresponse()
        assert answer.status == 200
        yield json.loads(answer.read())
    finally:
        process.stop()


def test_every_value_the_sensors_read_is_in_a_real_answer(summary):
    for sensor in rest_block()[0]["sensor"]:
        for name in VALUE_JSON.findall(sensor["value_template"]):
            assert name in summary, f"{sensor['name']}: value_json.{name} is not in {sorted(summary)}"
            assert summary[name] is None or isinstance(summary[name], (int, float)), (name, summary[name])
        for name in sensor.get("json_attributes", []):
            assert name in summary, f"{sensor['name']}: json_attributes {name} is not in {sorted(summary)}"
