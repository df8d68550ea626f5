#!/bin/sh
# Grafana's entrypoint in docker-compose.yml, after public-url.sh and before the image's own (/run.sh, passed as the
# arguments): the alert contact points that .env configures, and the notification policy that sends every alert to
# them. Grafana's provisioning cannot leave an integration out when its setting is empty (it would provision a webhook
# with an empty URL and refuse to start), so this script chooses the integrations and Grafana fills in their values:
# the file it writes names the settings ($ALERT_WEBHOOK_URL, ...), which Grafana interpolates from its environment,
# so no URL, token or address is written to disk or needs quoting here.
#
#   ALERT_WEBHOOK_URL              a generic webhook: Grafana's JSON, POSTed to this URL
#   ALERT_NTFY_URL                 an ntfy topic URL (https://ntfy.sh/my-topic); ntfy renders the alert with its
#   ALERT_NTFY_TOKEN (optional)    built-in "grafana" template; the token is sent as "Authorization: Bearer"
#   ALERT_EMAIL_TO and GF_SMTP_HOST e-mail to these addresses through this SMTP server (GF_SMTP_* from .env's SMTP_*)
#
# The provisioning folder the image reads (GF_PATHS_PROVISIONING, mounted read-only) is copied to PROVISIONING_RENDERED
# with alerting/notifications.yaml added, and Grafana is pointed at the copy. An integration whose setting became empty
# is deleted from Grafana (deleteContactPoints), and with none left the notification policy returns to Grafana's
# default, so that emptying a setting in .env and restarting really stops its notifications. The policy is reset only
# if this script once provisioned it (a file in Grafana's data folder remembers that): a policy made in Grafana's UI
# on an install that never set these settings is left alone.
# Tests/deploy/test_contact_points.py runs it with real settings.
set -eu

source_dir=${GF_PATHS_PROVISIONING:-/etc/grafana/provisioning}
rendered=${PROVISIONING_RENDERED:-/tmp/grafana-provisioning}
contact_point="Agent telemetry"
provisioned_policy="${GF_PATHS_DATA:-/var/lib/grafana}/agent-telemetry-policy"

# The ntfy integration is a webhook whose URL asks ntfy for its Grafana template.
ALERT_NTFY_WEBHOOK_URL=""
if [ -n "${ALERT_NTFY_URL:-}" ]; then
    case "$ALERT_NTFY_URL" in
    *\?*) ALERT_NTFY_WEBHOOK_URL="$ALERT_NTFY_URL&template=grafana" ;;
    *) ALERT_NTFY_WEBHOOK_URL="$ALERT_NTFY_URL?template=grafana" ;;
    esac
fi
export ALERT_NTFY_WEBHOOK_URL

if [ -n "${GF_SMTP_HOST:-}" ]; then
    export GF_SMTP_ENABLED=true
fi

configured="" # the uids of the integrations to provision
unconfigured=""
choose() { # uid, then whether its settings are given (a non-empty word)
    if [ -n "$2" ]; then configured="$configured $1"; else unconfigured="$unconfigured $1"; fi
}
choose telemetry-webhook "${ALERT_WEBHOOK_URL:-}"
choose telemetry-ntfy "${ALERT_NTFY_URL:-}"
choose telemetry-email "$([ -n "${ALERT_EMAIL_TO:-}" ] && [ -n "${GF_SMTP_HOST:-}" ] && echo yes || true)"

receiver() {
    case "$1" in
    telemetry-webhook)
        printf '      - uid: telemetry-webhook\n        type: webhook\n        settings:\n'
        printf '          url: $ALERT_WEBHOOK_URL\n          httpMethod: POST\n'
        ;;
    telemetry-ntfy)
        printf '      - uid: telemetry-ntfy\n        type: webhook\n        settings:\n'
        printf '          url: $ALERT_NTFY_WEBHOOK_URL\n          httpMethod: POST\n'
        if [ -n "${ALERT_NTFY_TOKEN:-}" ]; then
            printf '          authorization_scheme: Bearer\n          authorization_credentials: $ALERT_NTFY_TOKEN\n'
        fi
        ;;
    telemetry-email)
        printf '      - uid: telemetry-email\n        type: email\n        settings:\n'
        printf '          addresses: $ALERT_EMAIL_TO\n'
        ;;
    esac
}

notifications() {
    echo "# Written by grafana/contact-points.sh when Grafana starts, from .env: edit .env, not this file."
    echo "apiVersion: 1"
    if [ -n "$configured" ]; then
        printf 'contactPoints:\n  - orgId: 1\n    name: %s\n    receivers:\n' "$contact_point"
        for uid in $configured; do receiver "$uid"; done
        printf 'policies:\n  - orgId: 1\n    receiver: %s\n' "$contact_point"
        printf '    group_by: [grafana_folder, alertname]\n'
        printf '    group_wait: 30s\n    group_interval: 5m\n    repeat_interval: 4h\n'
    elif [ -e "$provisioned_policy" ]; then
        printf 'resetPolicies:\n  - 1\n'
    fi
    if [ -n "$unconfigured" ]; then
        printf 'deleteContactPoints:\n'
        for uid in $unconfigured; do printf '  - orgId: 1\n    uid: %s\n' "$uid"; done
    fi
}

rm -rf "$rendered"
mkdir -p "$rendered"
cp -R "$source_dir/." "$rendered/"
mkdir -p "$rendered/alerting"
notifications > "$rendered/alerting/notifications.yaml"
if [ -n "$configured" ]; then
    : > "$provisioned_policy"
fi
export GF_PATHS_PROVISIONING="$rendered"
exec "$@"
