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

if [ "$refused" -gt 0 ]; then
    echo "check-env: nothing started; fix .env, then docker compose up -d" >&2
    exit 1
fi
echo "check-env: settings accepted (DOMAIN=$DOMAIN, HTTPS=$HTTPS)"
