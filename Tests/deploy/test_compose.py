"""docker-compose.yml and .env.example: the compose specification's schema, and the shape the issue asks for.

No Docker engine here, so `${VAR}` interpolation is reproduced (the subset compose files use: ${VAR}, ${VAR:-default},
${VAR:?message}, $$) and the file is also validated as compose would see it with .env.example's values.
"""
import re
import subprocess

import pytest
import yaml

from paths import REPO
from schemas import compose_errors

COMPOSE_TEXT = (REPO / "docker-compose.yml").read_text()
COMPOSE = yaml.safe_load(COMPOSE_TEXT)
SERVICES = COMPOSE["services"]
REFERENCE = re.compile(r"\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}")


def env_example():
    values = {}
    for line in (REPO / ".env.example").read_text().splitlines():
        if line and not line.startswith("#"):
            key, _, value = line.partition("=")
            values[key] = value[1:-1] if value[:1] == value[-1:] == '"' else value
    return values


def interpolate(text, env):
    def replace(match):
        if match.group(0) == "$$":
            return "$"
        name, operator, argument = match.groups()
        value = env.get(name)
        if operator in (":-", "-") and not value:
            return argument
        if operator in (":?", "?") and not value:
            raise KeyError(f"{name}: {argument}")
        return value or ""
    return REFERENCE.sub(replace, text)


def referenced_variables():
    return {m.group(1) for m in REFERENCE.finditer(COMPOSE_TEXT) if m.group(1)}


def environment(service):
    return SERVICES[service].get("environment", {})


def test_compose_file_validates_against_the_compose_specification():
    assert compose_errors(COMPOSE) == []


def test_compose_file_with_the_example_settings_validates_too():
    rendered = yaml.safe_load(interpolate(COMPOSE_TEXT, env_example()))
    assert compose_errors(rendered) == []
    collector = rendered["services"]["collector"]["environment"]
    assert collector["DATABASE_URL"] == "postgresql://collector_writer@postgres:5432/telemetry"
    assert rendered["services"]["migrate"]["environment"]["DATABASE_URL"] == \
        "postgresql://telemetry@postgres:5432/telemetry"
    for service in ("check-env", "grafana", "caddy"):
        settings = rendered["services"][service]["environment"]
        assert (settings["DOMAIN"], settings["HTTPS"]) == ("telemetry.example.com", "letsencrypt"), service


def test_every_setting_compose_reads_is_in_the_env_example_and_every_example_setting_is_read():
    assert referenced_variables() == set(env_example())


def test_secrets_and_the_domain_must_be_set():
    for name in ("DOMAIN", "ACME_EMAIL", "POSTGRES_PASSWORD", "COLLECTOR_DB_PASSWORD", "GRAFANA_ADMIN_PASSWORD",
                 "GRAFANA_READER_PASSWORD"):
        assert re.search(r"\$\{" + name + r":\?", COMPOSE_TEXT), name
    with pytest.raises(KeyError, match="POSTGRES_PASSWORD"):
        interpolate(COMPOSE_TEXT, {k: v for k, v in env_example().items() if k != "POSTGRES_PASSWORD"})


def test_env_example_explains_every_setting():
    lines = (REPO / ".env.example").read_text().splitlines()
    for index, line in enumerate(lines):
        if not line or line.startswith("#"):
            continue
        paragraph = []  # the lines above it, up to a blank line
        for above in reversed(lines[:index]):
            if not above:
                break
            paragraph.append(above)
        assert any(l.startswith("#") for l in paragraph), f"{line.split('=')[0]} has no comment"


def test_the_stack_is_postgres_collector_grafana_and_caddy():
    assert set(SERVICES) == {"check-env", "postgres", "grafana-reader", "migrate", "collector-writer", "collector", "grafana",
                             "caddy"}


def dependencies(service):
    """{dependency: condition} of a service, whichever form its depends_on takes."""
    depends_on = SERVICES[service].get("depends_on", {})
    if isinstance(depends_on, list):
        return {name: "service_started" for name in depends_on}
    return {name: spec.get("condition", "service_started") for name, spec in depends_on.items()}


def test_nothing_starts_before_check_env_accepted_the_settings():
    assert dependencies("postgres")["check-env"] == "service_completed_successfully"
    assert dependencies("check-env") == {}
    for service in SERVICES:
        reached, todo = set(), [service]
        while todo:
            for dependency in dependencies(todo.pop()):
                if dependency not in reached:
                    reached.add(dependency)
                    todo.append(dependency)
        assert service == "check-env" or "check-env" in reached, f"{service} may start before check-env"


def test_check_env_runs_its_script_offline_with_the_settings_the_other_services_read():
    check = SERVICES["check-env"]
    assert check["restart"] == "no" and check["network_mode"] == "none"
    assert "./deploy/check-env.sh:/check-env.sh:ro" in check["volumes"]
    assert check["command"] == ["sh", "/check-env.sh"]
    checked = environment("check-env")
    for name in ("POSTGRES_PASSWORD", "GRAFANA_ADMIN_PASSWORD", "GRAFANA_READER_PASSWORD", "COLLECTOR_DB_PASSWORD",
                 "DOMAIN", "HTTPS", "ACME_EMAIL"):
        users = [service for service in SERVICES if service != "check-env"
                 and any(re.search(r"\$\{" + name + r"\b", str(v)) for v in environment(service).values())]
        assert users, name
        assert re.match(r"\$\{" + name + r"\b", checked[name]), name


def test_only_caddy_publishes_ports_and_it_publishes_80_and_443():
    assert [name for name, service in SERVICES.items() if "ports" in service] == ["caddy"]
    assert {p.split("/")[0] for p in SERVICES["caddy"]["ports"]} == {"80:80", "443:443"}


def test_postgres_collector_and_grafana_are_reachable_only_on_the_internal_network():
    assert COMPOSE["networks"]["internal"]["internal"] is True
    assert SERVICES["postgres"]["networks"] == ["internal"]
    assert SERVICES["collector"]["networks"] == ["internal"]
    assert SERVICES["grafana-reader"]["networks"] == ["internal"]
    assert SERVICES["migrate"]["networks"] == ["internal"]
    assert SERVICES["collector-writer"]["networks"] == ["internal"]
    # Grafana's second network only lets it send alert notifications: nothing else joins it, nothing is published.
    assert set(SERVICES["grafana"]["networks"]) == {"internal", "grafana-outbound"}
    assert [n for n, s in SERVICES.items() if "grafana-outbound" in s.get("networks", [])] == ["grafana"]
    assert set(SERVICES["caddy"]["networks"]) == {"internal", "edge"}


def test_postgres_16_keeps_its_data_in_a_named_volume_and_reports_health_with_pg_isready():
    postgres = SERVICES["postgres"]
    assert postgres["image"] == "postgres:16"
    assert "postgres-data:/var/lib/postgresql/data" in postgres["volumes"]
    assert "postgres-data" in COMPOSE["volumes"]
    assert "pg_isready" in " ".join(postgres["healthcheck"]["test"])


def test_collector_is_built_here_and_starts_once_postgres_is_healthy():
    collector = SERVICES["collector"]
    assert collector["build"] == "."
    assert collector["depends_on"]["postgres"]["condition"] == "service_healthy"
    env = environment("collector")
    assert env["DATABASE_URL"].startswith("postgresql://") and "@postgres:5432/" in env["DATABASE_URL"]
    assert "PGPASSWORD" in env  # libpq's own variable: any character is fine in the password
    assert "MIGRATIONS_DIR" not in env, "the image sets MIGRATIONS_DIR=/app/sql"


def test_migrations_run_as_the_owner_before_the_collector_serves_as_its_writer_role():
    migrate = SERVICES["migrate"]
    assert migrate["image"] == SERVICES["collector"]["image"] and migrate["build"] == "."
    assert migrate["command"] == ["migrate"] and migrate["restart"] == "no"
    assert migrate["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert environment("migrate")["DATABASE_URL"].startswith("postgresql://${POSTGRES_USER:-telemetry}@postgres:5432/")
    assert environment("migrate")["PGPASSWORD"].startswith("${POSTGRES_PASSWORD:?")

    writer = SERVICES["collector-writer"]
    assert writer["image"] == SERVICES["postgres"]["image"] and writer["restart"] == "no"
    assert writer["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert "./postgres/collector-writer-login.sql:/collector-writer-login.sql:ro" in writer["volumes"]
    assert writer["command"][0] == "psql" and "/collector-writer-login.sql" in writer["command"]
    assert environment("collector-writer")["COLLECTOR_DB_PASSWORD"] == environment("collector")["PGPASSWORD"]

    collector = SERVICES["collector"]
    assert collector["depends_on"]["collector-writer"]["condition"] == "service_completed_successfully"
    assert environment("collector")["DATABASE_URL"].startswith("postgresql://collector_writer@postgres:5432/")
    assert "POSTGRES_PASSWORD" not in environment("collector")["PGPASSWORD"], "the collector must not hold the owner's password"


def test_collector_spool_lives_in_a_named_volume_at_spool_dir():
    env = environment("collector")
    assert f"collector-spool:{env['SPOOL_DIR']}" in SERVICES["collector"]["volumes"]
    assert "collector-spool" in COMPOSE["volumes"]


def test_grafana_11_serves_anonymous_viewers_from_the_sub_path_and_may_be_framed():
    grafana = SERVICES["grafana"]
    assert re.fullmatch(r"grafana/grafana(-oss)?:11\.\d+\.\d+", grafana["image"])
    env = environment("grafana")
    assert env["GF_AUTH_ANONYMOUS_ENABLED"] == "true"
    assert env["GF_AUTH_ANONYMOUS_ORG_ROLE"] == "Viewer"
    assert env["GF_SECURITY_ALLOW_EMBEDDING"] == "true"
    assert env["GF_SERVER_SERVE_FROM_SUB_PATH"] == "true"
    assert env["GF_USERS_ALLOW_SIGN_UP"] == "false"
    assert all(v.endswith(":ro") for v in grafana["volumes"] if v.startswith("./"))


def test_grafana_starts_through_public_url_sh_with_the_settings_caddy_serves():
    grafana = SERVICES["grafana"]
    assert grafana["entrypoint"] == ["sh", "/etc/grafana/public-url.sh", "sh", "/etc/grafana/contact-points.sh",
                                     "/run.sh"]
    assert "./grafana/public-url.sh:/etc/grafana/public-url.sh:ro" in grafana["volumes"]
    assert "./grafana/contact-points.sh:/etc/grafana/contact-points.sh:ro" in grafana["volumes"]
    for name in ("DOMAIN", "HTTPS"):
        assert environment("grafana")[name] == environment("caddy")[name], name
    assert not {"GF_SERVER_ROOT_URL", "GF_SECURITY_COOKIE_SECURE"} & set(environment("grafana")), \
        "public-url.sh sets them"


def test_grafana_and_check_env_read_the_same_notification_settings():
    grafana, checked = environment("grafana"), environment("check-env")
    for name in ("ALERT_WEBHOOK_URL", "ALERT_NTFY_URL", "ALERT_NTFY_TOKEN", "ALERT_EMAIL_TO"):
        assert grafana[name] == checked[name] == "${%s:-}" % name, name
    # Grafana's own SMTP settings come from .env's SMTP_*; contact-points.sh turns GF_SMTP_ENABLED on.
    for name in ("SMTP_HOST", "SMTP_USER", "SMTP_PASSWORD", "SMTP_FROM_ADDRESS"):
        assert grafana["GF_" + name] == "${%s:-}" % name, name
    assert checked["SMTP_HOST"] == grafana["GF_SMTP_HOST"]
    assert "GF_SMTP_ENABLED" not in grafana


@pytest.mark.parametrize("https, root_url, cookie_secure", [
    (None, "https://telemetry.lan/grafana/", "true"),
    ("letsencrypt", "https://telemetry.lan/grafana/", "true"),
    ("internal", "https://telemetry.lan/grafana/", "true"),
    ("off", "http://telemetry.lan/grafana/", "false"),
])
def test_grafanas_public_url_and_cookie_flag_follow_https(https, root_url, cookie_secure):
    settings = {"PATH": "/usr/bin:/bin", "DOMAIN": "telemetry.lan", **({"HTTPS": https} if https else {})}
    done = subprocess.run(["sh", str(REPO / "grafana" / "public-url.sh"), "env"], env=settings,
                          capture_output=True, text=True, timeout=10)
    assert done.returncode == 0, done.stderr
    grafana_env = dict(line.split("=", 1) for line in done.stdout.splitlines())
    assert grafana_env["GF_SERVER_ROOT_URL"] == root_url
    assert grafana_env["GF_SECURITY_COOKIE_SECURE"] == cookie_secure


def test_grafana_starts_after_its_database_role_can_log_in():
    assert SERVICES["grafana"]["depends_on"]["grafana-reader"]["condition"] == "service_completed_successfully"
    reader = SERVICES["grafana-reader"]
    assert reader["image"] == SERVICES["postgres"]["image"]
    assert reader["restart"] == "no"
    assert reader["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert "./postgres/grafana-reader-login.sql:/grafana-reader-login.sql:ro" in reader["volumes"]
    assert reader["command"][0] == "psql" and "/grafana-reader-login.sql" in reader["command"]
    # The script reads these; Grafana's data source file reads the same password.
    for name in ("GRAFANA_READER_PASSWORD", "ALERT_SILENT_HOST_AFTER", "ALERT_DENY_ERROR_RATE"):
        assert name in environment("grafana-reader")
    assert environment("grafana-reader")["GRAFANA_READER_PASSWORD"] == environment("grafana")["GRAFANA_READER_PASSWORD"]


def test_caddy_2_keeps_certificates_in_volumes_and_reads_the_repository_caddyfile():
    caddy = SERVICES["caddy"]
    assert caddy["image"].startswith("caddy:2")
    assert {"./Caddyfile:/etc/caddy/Caddyfile:ro", "caddy-data:/data", "caddy-config:/config"} <= set(caddy["volumes"])


def test_caddy_refuses_bodies_at_the_collectors_own_limits():
    for name in ("MAX_BODY_BYTES", "MAX_TRANSCRIPT_BYTES"):
        assert environment("caddy")[name] == environment("collector")[name], name
    assert environment("caddy")["HOMEASSISTANT_ORIGINS"] == "${HOMEASSISTANT_ORIGINS:-}"


def test_body_limit_defaults_agree_across_caddyfile_compose_and_env_example():
    caddyfile = (REPO / "Caddyfile").read_text()
    for name, default in (("MAX_BODY_BYTES", "1048576"), ("MAX_TRANSCRIPT_BYTES", "16777216")):
        assert set(re.findall(r"\{\$" + name + r":(\d+)\}", caddyfile)) == {default}, name
        assert set(re.findall(r"\$\{" + name + r":-(\d+)\}", COMPOSE_TEXT)) == {default}, name
        assert env_example()[name] == default, name
