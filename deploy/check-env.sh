#!/bin/sh
# The first service of docker-compose.yml: refuses settings of .env that cannot work, each with a line naming the
# setting and what to do, before PostgreSQL creates its superuser with a password or Caddy asks for a certificate.
# Every other service starts only after it succeeded. Tests/deploy/test_check_env.py runs it.
set -u
refused=0
refuse() {
    echo "check-env: $*" >&2
    refused=$((refused + 1))
}

for name in POSTGRES_PASSWORD COLLECTOR_DB_PASSWORD GRAFANA_ADMIN_PASSWORD GRAFANA_READER_PASSWORD; do
    eval "value=\${$name:-}"
    case "$value" in
    "") refuse "$name is empty: set it in .env, e.g. to the output of \`openssl rand -hex 24\`" ;;
    change-me*)
        refuse "$name is still the placeholder of .env.example ($value): set it in .env to a password of its" \
            "own, e.g. the output of \`openssl rand -hex 24\`"
        ;;
    esac
done

# Names only a LAN knows, and addresses: Let's Encrypt certifies neither (Caddy asks it for public names only).
lan_name() {
    case "$1" in
    *:* | *[!0-9.]*) ;;
    *) return 0 ;; # an IPv4 address
    esac
    case "$1" in
    *:* | localhost | *.localhost | *.lan | *.local | *.home | *.home.arpa | *.internal | *.localdomain | *.test)
        return 0
        ;;
    *.*) return 1 ;;
    *) return 0 ;; # a single label, such as "telemetry"
    esac
}

DOMAIN=${DOMAIN:-}
HTTPS=${HTTPS:-letsencrypt}
case "$HTTPS" in
letsencrypt)
    if [ -z "$DOMAIN" ]; then
        refuse "DOMAIN is empty: set it in .env to this server's public name"
    elif [ "$DOMAIN" = telemetry.example.com ]; then
        refuse "DOMAIN is still the example's telemetry.example.com: set it in .env to this server's public name," \
            "or for a home LAN set HTTPS=internal or HTTPS=off and DOMAIN to the server's LAN name or address"
    elif lan_name "$DOMAIN"; then
        refuse "DOMAIN=$DOMAIN is a LAN name or an address, which Let's Encrypt cannot certify:" \
            "set HTTPS=internal (Caddy's own certificate authority) or HTTPS=off (plain HTTP) in .env"
    fi
    case "${ACME_EMAIL:-}" in
    "" | *@example.com | *@example.org | *@example.net)
        refuse "ACME_EMAIL=${ACME_EMAIL:-} cannot receive Let's Encrypt's expiry warnings:" \
            "set it in .env to an address of yours"
        ;;
    esac
    ;;
internal | off)
    [ -n "$DOMAIN" ] || refuse "DOMAIN is empty: set it in .env to the server's LAN name (telemetry.lan) or address"
    ;;
*)
    refuse "HTTPS=$HTTPS is not a mode: set it in .env to letsencrypt (a public name), internal (HTTPS with" \
        "Caddy's own certificate authority) or off (plain HTTP on a LAN)"
    ;;
esac

# Alert notifications (grafana/contact-points.sh): each optional, but one given must be able to work.
for name in ALERT_WEBHOOK_URL ALERT_NTFY_URL; do
    eval "value=\${$name:-}"
    case "$value" in
    "" | http://?* | https://?*) ;;
    *) refuse "$name=$value is not an http:// or https:// URL: set it in .env to the full URL, or leave it empty" ;;
    esac
done
if [ -n "${ALERT_NTFY_TOKEN:-}" ] && [ -z "${ALERT_NTFY_URL:-}" ]; then
    refuse "ALERT_NTFY_TOKEN is set but ALERT_NTFY_URL is empty: set the topic's URL in .env, or empty the token"
fi
if [ -n "${ALERT_EMAIL_TO:-}" ] && [ -z "${SMTP_HOST:-}" ]; then
    refuse "ALERT_EMAIL_TO is set but SMTP_HOST is empty: Grafana needs an SMTP server (host:port) to send e-mail"
fi
if [ -n "${SMTP_HOST:-}" ]; then
    [ -n "${ALERT_EMAIL_TO:-}" ] || refuse "SMTP_HOST is set but ALERT_EMAIL_TO is empty: name who gets the alerts"
    case "$SMTP_HOST" in
    ?*:[0-9]*[0-9] | ?*:[0-9]) ;;
    *) refuse "SMTP_HOST=$SMTP_HOST needs a port: set it in .env as host:port, e.g. smtp.example.net:587" ;;
    esac
    [ -n "${SMTP_FROM_ADDRESS:-}" ] || refuse "SMTP_FROM_ADDRESS is empty: set the sender's address the SMTP" \
        "server accepts (Grafana's own default, admin@grafana.localhost, is refused by most servers)"
fi
case "${ALERT_DAILY_BUDGET_USD:-}" in
"") ;;
*[!0-9.]* | *.*.* | . | .*)
    refuse "ALERT_DAILY_BUDGET_USD=$ALERT_DAILY_BUDGET_USD is not an amount: set it in .env to US dollars such as 25" \
        "or 7.50, or leave it empty for no budget alert"
    ;;
esac

if [ "$refused" -gt 0 ]; then
    echo "check-env: nothing started; fix .env, then docker compose up -d" >&2
    exit 1
fi
echo "check-env: settings accepted (DOMAIN=$DOMAIN, HTTPS=$HTTPS)"
