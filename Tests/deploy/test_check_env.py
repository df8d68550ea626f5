"""deploy/check-env.sh, the service every other one of docker-compose.yml waits for: run as compose runs it, with
.env's settings in its environment. It must refuse .env.example's placeholders and settings that cannot work, each
with a line naming the setting, and accept settings that work."""
import subprocess

import pytest

from paths import REPO
from test_compose import env_example

SCRIPT = REPO / "deploy" / "check-env.sh"
PUBLIC = {"HTTPS": "letsencrypt", "DOMAIN": "telemetry.my-company.net", "ACME_EMAIL": "ops@my-company.net",
          "POSTGRES_PASSWORD": "0f3a9c", "COLLECTOR_DB_PASSWORD": "91e0ab", "GRAFANA_ADMIN_PASSWORD": "7be21d",
          "GRAFANA_READER_PASSWORD": "c4d58e"}
PASSWORDS = ("POSTGRES_PASSWORD", "COLLECTOR_DB_PASSWORD", "GRAFANA_ADMIN_PASSWORD", "GRAFANA_READER_PASSWORD")


def check(**settings):
    environment = {"PATH": "/usr/bin:/bin", **{k: v for k, v in settings.items() if v is not None}}
    return subprocess.run(["sh", str(SCRIPT)], env=environment, capture_output=True, text=True, timeout=10)


def refusals(done):
    return [line for line in done.stderr.splitlines() if not line.startswith("check-env: nothing started")]


def test_settings_that_work_are_accepted():
    done = check(**PUBLIC)
    assert (done.returncode, done.stderr) == (0, "")
    assert "settings accepted" in done.stdout


def test_the_example_env_is_refused_naming_each_placeholder():
    done = check(**env_example())
    assert done.returncode != 0
    named = {line.split()[1].split("=")[0] for line in refusals(done)}
    assert named == {*PASSWORDS, "DOMAIN", "ACME_EMAIL"}
    assert "nothing started; fix .env" in done.stderr


@pytest.mark.parametrize("name", PASSWORDS)
def test_a_placeholder_password_is_refused_with_a_message_naming_the_setting(name):
    done = check(**{**PUBLIC, name: env_example()[name]})
    assert done.returncode != 0
    (line,) = refusals(done)
    assert line.startswith(f"check-env: {name} is still the placeholder of .env.example")
    assert "openssl rand -hex 24" in line


@pytest.mark.parametrize("https, domain", [("internal", "telemetry.lan"), ("internal", "192.168.1.20"),
                                           ("off", "telemetry.lan"), ("off", "homeserver")])
def test_a_home_lan_needs_no_public_name_nor_acme_email(https, domain):
    done = check(**{**PUBLIC, "HTTPS": https, "DOMAIN": domain, "ACME_EMAIL": "ops@example.com"})
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize("domain", ["telemetry.lan", "192.168.1.20", "homeserver", "nas.home.arpa", "fd00::20"])
def test_lets_encrypt_for_a_lan_name_or_address_is_refused_pointing_at_the_lan_modes(domain):
    done = check(**{**PUBLIC, "DOMAIN": domain})
    assert done.returncode != 0
    (line,) = refusals(done)
    assert line.startswith(f"check-env: DOMAIN={domain} ") and "HTTPS=internal" in line and "HTTPS=off" in line


def test_lets_encrypt_without_https_set_is_the_default():
    assert check(**{**PUBLIC, "HTTPS": None}).returncode == 0
    assert check(**{**PUBLIC, "HTTPS": None, "DOMAIN": "telemetry.lan"}).returncode != 0


def test_an_unknown_https_mode_is_refused_naming_the_modes():
    done = check(**{**PUBLIC, "HTTPS": "on"})
    assert done.returncode != 0
    (line,) = refusals(done)
    assert line.startswith("check-env: HTTPS=on is not a mode") and "letsencrypt" in line and "internal" in line


NOTIFICATIONS = {"ALERT_WEBHOOK_URL": "https://hooks.my-company.net/telemetry", "ALERT_NTFY_URL": "https://ntfy.sh/x7Gk2",
                 "ALERT_NTFY_TOKEN": "tk_abc", "ALERT_EMAIL_TO": "ops@my-company.net;me@my-company.net",
                 "SMTP_HOST": "smtp.my-company.net:587", "SMTP_FROM_ADDRESS": "grafana@my-company.net",
                 "ALERT_DAILY_BUDGET_USD": "7.50"}


def test_notification_settings_and_a_budget_that_work_are_accepted():
    done = check(**PUBLIC, **NOTIFICATIONS)
    assert (done.returncode, done.stderr) == (0, "")


@pytest.mark.parametrize("changed, named", [
    ({"ALERT_WEBHOOK_URL": "hooks.my-company.net/telemetry"}, "ALERT_WEBHOOK_URL"),
    ({"ALERT_NTFY_URL": "ntfy.sh/x7Gk2"}, "ALERT_NTFY_URL"),
    ({"ALERT_NTFY_URL": ""}, "ALERT_NTFY_TOKEN"),
    ({"SMTP_HOST": ""}, "ALERT_EMAIL_TO"),
    ({"ALERT_EMAIL_TO": ""}, "SMTP_HOST"),
    ({"SMTP_HOST": "smtp.my-company.net"}, "SMTP_HOST"),
    ({"SMTP_FROM_ADDRESS": ""}, "SMTP_FROM_ADDRESS"),
    ({"ALERT_DAILY_BUDGET_USD": "$25"}, "ALERT_DAILY_BUDGET_USD"),
    ({"ALERT_DAILY_BUDGET_USD": "1.5.0"}, "ALERT_DAILY_BUDGET_USD"),
])
def test_a_notification_setting_that_cannot_work_is_refused_naming_it(changed, named):
    done = check(**PUBLIC, **{**NOTIFICATIONS, **changed})
    assert done.returncode != 0
    (line,) = refusals(done)
    assert line.startswith(f"check-env: {named}"), line


def test_no_notification_setting_at_all_is_fine():
    assert check(**PUBLIC, **{name: "" for name in NOTIFICATIONS}).returncode == 0
