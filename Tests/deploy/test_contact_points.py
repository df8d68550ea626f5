"""grafana/contact-points.sh, run as Grafana's entrypoint runs it: the contact points .env configures, no more, a
notification policy that sends every alert to them, and a provisioning file Grafana accepts once it has interpolated
its environment into it."""
import filecmp
import subprocess

import pytest
import yaml

from grafana_alerting import interpolate, provisioning_errors
from paths import PROVISIONING, REPO

SCRIPT = REPO / "grafana" / "contact-points.sh"
WEBHOOK = {"ALERT_WEBHOOK_URL": "https://hooks.my-company.net/telemetry?key=a1"}
NTFY = {"ALERT_NTFY_URL": "https://ntfy.sh/x7Gk2-telemetry", "ALERT_NTFY_TOKEN": "tk_0a1b2c"}
EMAIL = {"ALERT_EMAIL_TO": "ops@my-company.net;me@my-company.net", "GF_SMTP_HOST": "smtp.my-company.net:587"}
UIDS = {"webhook": "telemetry-webhook", "ntfy": "telemetry-ntfy", "email": "telemetry-email"}


class Started:
    """What Grafana would start with: its environment and the provisioning folder it is pointed at."""

    def __init__(self, env, folder):
        self.env, self.folder = env, folder

    @property
    def file(self):
        return yaml.safe_load((self.folder / "alerting" / "notifications.yaml").read_text())

    def receivers(self):
        """{uid: (type, settings)} with the settings as Grafana interpolates them."""
        points = interpolate(self.file.get("contactPoints", []), self.env)
        return {r["uid"]: (r["type"], r["settings"]) for point in points for r in point["receivers"]}

    def deleted(self):
        return {d["uid"] for d in self.file.get("deleteContactPoints", [])}


def start(tmp_path, **settings):
    rendered = tmp_path / "provisioning"
    data = tmp_path / "grafana-data"  # Grafana's data volume, kept from one start to the next
    data.mkdir(exist_ok=True)
    env = {"PATH": "/usr/bin:/bin", "GF_PATHS_PROVISIONING": str(PROVISIONING), "PROVISIONING_RENDERED": str(rendered),
           "GF_PATHS_DATA": str(data), **settings}
    done = subprocess.run(["sh", str(SCRIPT), "env"], env=env, capture_output=True, text=True, timeout=10)
    assert done.returncode == 0, done.stderr
    return Started(dict(line.split("=", 1) for line in done.stdout.splitlines()), rendered)


def test_with_no_setting_there_is_no_contact_point_and_the_policy_is_left_to_grafana(tmp_path):
    started = start(tmp_path)
    assert provisioning_errors(started.file, started.env) == []
    assert "contactPoints" not in started.file and "policies" not in started.file
    assert "resetPolicies" not in started.file, "a policy made in Grafana's UI stays"
    assert started.deleted() == set(UIDS.values()), "a contact point emptied in .env must go from Grafana too"
    assert "GF_SMTP_ENABLED" not in started.env


def test_emptying_every_setting_returns_the_policy_this_script_provisioned_to_grafanas_default(tmp_path):
    start(tmp_path, **NTFY)
    for _ in range(2):  # and again at the next start: resetting twice is harmless, forgetting it is not
        started = start(tmp_path)
        assert provisioning_errors(started.file, started.env) == []
        assert started.file["resetPolicies"] == [1] and "policies" not in started.file
        assert started.deleted() == set(UIDS.values())


@pytest.mark.parametrize("alone, settings", [("webhook", WEBHOOK), ("ntfy", NTFY), ("email", EMAIL)])
def test_each_setting_alone_gives_its_contact_point_only_and_the_policy_routes_to_it(tmp_path, alone, settings):
    started = start(tmp_path, **settings)
    assert provisioning_errors(started.file, started.env) == []
    assert set(started.receivers()) == {UIDS[alone]}
    assert started.deleted() == set(UIDS.values()) - {UIDS[alone]}
    (point,) = started.file["contactPoints"]
    (policy,) = started.file["policies"]
    assert policy["receiver"] == point["name"] and "routes" not in policy, "every alert goes to the contact point"
    assert "resetPolicies" not in started.file


def test_the_webhook_posts_to_the_url_as_given(tmp_path):
    kind, settings = start(tmp_path, **WEBHOOK).receivers()["telemetry-webhook"]
    assert (kind, settings) == ("webhook", {"url": WEBHOOK["ALERT_WEBHOOK_URL"], "httpMethod": "POST"})


def test_ntfy_gets_grafanas_template_and_the_token_as_a_bearer_header(tmp_path):
    kind, settings = start(tmp_path, **NTFY).receivers()["telemetry-ntfy"]
    assert kind == "webhook"
    assert settings == {"url": "https://ntfy.sh/x7Gk2-telemetry?template=grafana", "httpMethod": "POST",
                        "authorization_scheme": "Bearer", "authorization_credentials": "tk_0a1b2c"}


def test_ntfy_without_a_token_sends_no_authorization_and_keeps_a_query_the_url_has(tmp_path):
    started = start(tmp_path, ALERT_NTFY_URL="https://ntfy.home.lan/alerts?priority=high")
    assert started.receivers()["telemetry-ntfy"][1] == {
        "url": "https://ntfy.home.lan/alerts?priority=high&template=grafana", "httpMethod": "POST"}
    assert provisioning_errors(started.file, started.env) == []


def test_email_needs_an_smtp_server_and_turns_grafanas_smtp_on(tmp_path):
    started = start(tmp_path, **EMAIL)
    assert started.receivers()["telemetry-email"] == ("email", {"addresses": EMAIL["ALERT_EMAIL_TO"]})
    assert started.env["GF_SMTP_ENABLED"] == "true"
    without_server = start(tmp_path, ALERT_EMAIL_TO=EMAIL["ALERT_EMAIL_TO"])
    assert without_server.receivers() == {} and "GF_SMTP_ENABLED" not in without_server.env


def test_all_settings_give_one_contact_point_with_all_three(tmp_path):
    started = start(tmp_path, **WEBHOOK, **NTFY, **EMAIL)
    assert provisioning_errors(started.file, started.env) == []
    assert set(started.receivers()) == set(UIDS.values())
    assert len(started.file["contactPoints"]) == 1 and "deleteContactPoints" not in started.file


def test_values_reach_the_file_only_as_references_grafana_fills_in(tmp_path):
    started = start(tmp_path, **WEBHOOK, **NTFY, **EMAIL)
    text = (started.folder / "alerting" / "notifications.yaml").read_text()
    for secret in (WEBHOOK["ALERT_WEBHOOK_URL"], NTFY["ALERT_NTFY_TOKEN"], EMAIL["ALERT_EMAIL_TO"]):
        assert secret not in text
    # A value YAML would misread written as it is (a quote, a # that starts a comment) arrives unchanged.
    odd = start(tmp_path, ALERT_WEBHOOK_URL="https://h.example/x?a='1'#frag: y")
    assert odd.receivers()["telemetry-webhook"][1]["url"] == "https://h.example/x?a='1'#frag: y"


def test_a_restart_with_a_setting_emptied_removes_its_contact_point(tmp_path):
    start(tmp_path, **WEBHOOK, **NTFY)
    started = start(tmp_path, **NTFY)
    assert set(started.receivers()) == {"telemetry-ntfy"}
    assert "telemetry-webhook" in started.deleted()


def test_grafana_reads_a_copy_of_the_repositorys_provisioning_with_the_notifications_added(tmp_path):
    started = start(tmp_path, **WEBHOOK)
    assert started.env["GF_PATHS_PROVISIONING"] == str(started.folder)
    comparison = filecmp.dircmp(PROVISIONING, started.folder)
    assert comparison.left_only == [] and comparison.diff_files == []
    assert sorted(p.name for p in (started.folder / "alerting").iterdir()) == ["notifications.yaml", "rules.yaml"]
    rules = yaml.safe_load((started.folder / "alerting" / "rules.yaml").read_text())
    assert provisioning_errors(rules) == []


def test_the_validator_refuses_what_grafana_refuses():
    # The check above is only worth something if it fails on the mistakes the script avoids.
    empty_url = {"apiVersion": 1, "contactPoints": [{"orgId": 1, "name": "A", "receivers": [
        {"uid": "telemetry-webhook", "type": "webhook", "settings": {"url": "$ALERT_WEBHOOK_URL"}}]}]}
    assert provisioning_errors(empty_url, {}) != []
    assert provisioning_errors(empty_url, WEBHOOK) == []
    unknown_receiver = {"apiVersion": 1, "policies": [{"orgId": 1, "receiver": "nobody"}]}
    assert provisioning_errors(unknown_receiver) != []
    no_addresses = {"apiVersion": 1, "contactPoints": [{"name": "A", "receivers": [
        {"uid": "telemetry-email", "type": "email", "settings": {"addresses": ""}}]}]}
    assert provisioning_errors(no_addresses) != []


def test_the_compose_entrypoint_runs_both_scripts_then_grafana(tmp_path):
    # public-url.sh execs contact-points.sh, which execs the image's /run.sh (here: env).
    env = {"PATH": "/usr/bin:/bin", "DOMAIN": "telemetry.lan", "HTTPS": "off", "GF_PATHS_PROVISIONING": str(PROVISIONING),
           "PROVISIONING_RENDERED": str(tmp_path / "p"), "GF_PATHS_DATA": str(tmp_path), **NTFY}
    done = subprocess.run(["sh", str(REPO / "grafana" / "public-url.sh"), "sh", str(SCRIPT), "env"], env=env,
                          capture_output=True, text=True, timeout=10)
    assert done.returncode == 0, done.stderr
    final = dict(line.split("=", 1) for line in done.stdout.splitlines())
    assert final["GF_SERVER_ROOT_URL"] == "http://telemetry.lan/grafana/"
    assert final["GF_PATHS_PROVISIONING"] == str(tmp_path / "p")
    assert (tmp_path / "p" / "alerting" / "notifications.yaml").is_file()
