#!/bin/sh
# Grafana's entrypoint in docker-compose.yml, before the image's own (/run.sh, passed as the arguments): its public URL
# and cookie flag follow HTTPS in .env. Over plain HTTP (HTTPS=off) a Secure cookie never comes back, so signing in
# would fail; over HTTPS the cookie stays Secure.
set -eu
case "${HTTPS:-letsencrypt}" in
off) scheme=http secure=false ;;
*) scheme=https secure=true ;;
esac
export GF_SERVER_ROOT_URL="$scheme://$DOMAIN/grafana/" GF_SECURITY_COOKIE_SECURE="$secure"
exec "$@"
