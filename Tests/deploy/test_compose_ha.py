"""docker-compose.ha.yml, the two-collector option: valid on its own and merged over docker-compose.yml the way
`docker compose -f docker-compose.yml -f docker-compose.ha.yml` merges them (the compose specification's merge rules
for what the file uses: mappings merged key by key, depends_on lists joined, volumes replaced by their container
path, and `extends` taking the base service first)."""
import copy
import tempfile

import yaml

from caddy_proxy import adapt, isolated_env, validate
from paths import REPO
from schemas import compose_errors
from test_compose import COMPOSE, COMPOSE_TEXT, env_example, interpolate

HA_TEXT = (REPO / "docker-compose.ha.yml").read_text()
HA = yaml.safe_load(HA_TEXT)


def volume_target(volume):
    return volume.split(":")[1] if isinstance(volume, str) else volume["target"]


def merge(base, overlay, key=None):
    if isinstance(base, dict) and isinstance(overlay, dict):
        merged = dict(base)
        for name, value in overlay.items():
            merged[name] = merge(base[name], value, name) if name in base else copy.deepcopy(value)
        return merged
    if key == "depends_on" and isinstance(base, list) and isinstance(overlay, list):
        return base + [name for name in overlay if name not in base]
    if key == "volumes" and isinstance(base, list) and isinstance(overlay, list):
        replaced = {volume_target(v) for v in overlay}
        return [v for v in base if volume_target(v) not in replaced] + overlay
    return copy.deepcopy(overlay)


def merged_compose(base, overlay):
    document = merge(base, overlay)
    for name, service in document["services"].items():
        if "extends" in service:
            assert service["extends"]["file"] == "docker-compose.yml"
            parent = base["services"][service["extends"]["service"]]
            own = {k: v for k, v in service.items() if k != "extends"}
            document["services"][name] = merge(parent, own)
    return document


MERGED = merged_compose(COMPOSE, HA)


def test_the_ha_file_validates_on_its_own_and_merged():
    assert compose_errors(HA) == []
    assert compose_errors(MERGED) == []
    rendered = merged_compose(yaml.safe_load(interpolate(COMPOSE_TEXT, env_example())),
                              yaml.safe_load(interpolate(HA_TEXT, env_example())))
    assert compose_errors(rendered) == []


def test_it_adds_a_second_collector_and_nothing_else():
    assert set(MERGED["services"]) == set(COMPOSE["services"]) | {"collector-2"}
    assert set(HA["services"]) == {"collector-2", "caddy"}


def test_the_second_collector_is_the_first_with_a_spool_of_its_own():
    first, second = MERGED["services"]["collector"], MERGED["services"]["collector-2"]
    assert {k: v for k, v in second.items() if k != "volumes"} == {k: v for k, v in first.items() if k != "volumes"}
    assert first["volumes"] == ["collector-spool:/var/lib/collector/spool"]
    assert second["volumes"] == ["collector-spool-2:/var/lib/collector/spool"]
    assert "collector-spool-2" in MERGED["volumes"]
    assert second["networks"] == ["internal"] and "ports" not in second


def test_caddy_proxies_to_both_collectors_with_health_checks_and_waits_for_both():
    caddy = MERGED["services"]["caddy"]
    assert set(caddy["depends_on"]) >= {"collector", "collector-2", "grafana"}
    assert caddy["environment"]["COLLECTOR_UPSTREAM"] == "collector:8080 collector-2:8080"
    assert caddy["environment"]["COLLECTOR_PROXY"] == "ha"
    assert "PORT" not in MERGED["services"]["collector"]["environment"], "both listen on the default 8080"
    assert [name for name, service in MERGED["services"].items() if "ports" in service] == ["caddy"]


def test_the_caddyfile_in_ha_mode_validates_and_balances_both_collectors_with_health_checks():
    # Caddy's environment as compose gives it with the example settings.
    rendered = merged_compose(yaml.safe_load(interpolate(COMPOSE_TEXT, env_example())),
                              yaml.safe_load(interpolate(HA_TEXT, env_example())))
    with tempfile.TemporaryDirectory() as home:
        env = isolated_env(home, **{k: str(v) for k, v in rendered["services"]["caddy"]["environment"].items()})
        done = validate(env)
        assert done.returncode == 0, done.stderr
        config = adapt(env)
    proxies = [h for h in handlers(config) if h.get("handler") == "reverse_proxy"
               and h["upstreams"][0]["dial"].startswith("collector")]
    assert len(proxies) == 2, "the transcript route and the rest of /api/"
    for proxy in proxies:
        assert [u["dial"] for u in proxy["upstreams"]] == ["collector:8080", "collector-2:8080"]
        assert proxy["health_checks"]["active"]["uri"] == "/api/v1/health"
        assert proxy["load_balancing"]["retries"] >= 1


def handlers(node):
    if isinstance(node, dict):
        if "handler" in node:
            yield node
        for value in node.values():
            yield from handlers(value)
    elif isinstance(node, list):
        for value in node:
            yield from handlers(value)
