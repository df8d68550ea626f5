"""The shape of a Grafana 11 alerting provisioning file, as Grafana reads one (no Grafana binary here).

From Grafana's pkg/services/provisioning/alerting (AlertingFileV1, ContactPointV1, ReceiverV1, DeleteContactPointV1,
NotificiationPolicyV1 into the Alertmanager route) and the integrations' own checks (alerting/receivers: a webhook
needs a url, POST or PUT, and not both basic auth and an Authorization header; e-mail needs addresses). Values are
interpolated from the environment first, as Grafana does for every string in contact points and policies.
"""
import re

TOP_LEVEL = {"apiVersion", "groups", "deleteRules", "contactPoints", "deleteContactPoints", "policies", "resetPolicies",
             "muteTimes", "deleteMuteTimes", "templates", "deleteTemplates"}
RECEIVER_KEYS = {"uid", "type", "settings", "disableResolveMessage"}
ROUTE_KEYS = {"orgId", "receiver", "group_by", "matchers", "object_matchers", "mute_time_intervals",
              "active_time_intervals", "continue", "routes", "group_wait", "group_interval", "repeat_interval"}
DURATION = re.compile(r"^(\d+(ms|s|m|h|d|w|y))+$")  # Prometheus' model.ParseDuration
UID = re.compile(r"^[a-zA-Z0-9\-_]{1,40}$")
# Grafana's values.StringValue: $NAME or ${NAME}; $$ is a literal $.
ENV_REFERENCE = re.compile(r"\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)")


def interpolate(value, env):
    """Every string of a contact point or policy with its $VARIABLES replaced from env (unset: empty)."""
    if isinstance(value, dict):
        return {k: interpolate(v, env) for k, v in value.items()}
    if isinstance(value, list):
        return [interpolate(v, env) for v in value]
    if isinstance(value, str):
        return ENV_REFERENCE.sub(lambda m: "$" if m.group(0) == "$$" else env.get(m.group(1) or m.group(2), ""), value)
    return value


def integration_errors(kind, settings):
    if kind == "webhook":
        errors = [] if settings.get("url") else ["required field 'url' is not specified"]
        if settings.get("httpMethod", "POST") not in ("POST", "PUT"):
            errors.append(f"unsupported HTTP method {settings['httpMethod']}")
        if (settings.get("username") or settings.get("password")) and settings.get("authorization_credentials"):
            errors.append("both HTTP Basic Authentication and Authorization Header are set, only 1 is permitted")
        if settings.get("authorization_scheme") and not settings.get("authorization_credentials"):
            errors.append("an authorization scheme without credentials")
        return errors
    if kind == "email":
        return [] if str(settings.get("addresses", "")).strip() else ["could not find addresses in settings"]
    return [f"integration type {kind!r} is not one these tests know"]


def route_errors(route, receivers, where):
    errors = [f"{where}: unknown key {k}" for k in set(route) - ROUTE_KEYS]
    if where == "policy" and not route.get("receiver"):
        errors.append("policy: the root route needs a receiver")
    if route.get("receiver") and route["receiver"] not in receivers:
        errors.append(f"{where}: receiver {route['receiver']!r} is not a contact point of the file")
    for name in ("group_wait", "group_interval", "repeat_interval"):
        if name in route and not DURATION.match(str(route[name])):
            errors.append(f"{where}: {name} {route[name]!r} is not a duration")
    if not isinstance(route.get("group_by", []), list):
        errors.append(f"{where}: group_by must be a list")
    for index, child in enumerate(route.get("routes", [])):
        errors += route_errors(child, receivers, f"{where}/routes/{index}")
    return errors


def provisioning_errors(document, env=None):
    """What Grafana would refuse in this alerting file, with env interpolated into contact points and policies."""
    env = env or {}
    if not isinstance(document, dict):
        return ["the file is not a mapping"]
    errors = [f"unknown top-level key {k}" for k in set(document) - TOP_LEVEL]
    if document.get("apiVersion") != 1:
        errors.append("apiVersion must be 1")
    receivers, uids = set(), set()
    for point in document.get("contactPoints", []):
        point = interpolate(point, env)
        if not isinstance(point.get("orgId", 1), int) or not str(point.get("name", "")).strip():
            errors.append(f"contact point {point.get('name')!r}: no name is set, or orgId is not a number")
        receivers.add(point.get("name"))
        for receiver in point.get("receivers", []):
            where = f"contact point {point.get('name')!r}, receiver {receiver.get('uid')!r}"
            errors += [f"{where}: unknown key {k}" for k in set(receiver) - RECEIVER_KEYS]
            if not UID.match(str(receiver.get("uid", ""))):
                errors.append(f"{where}: uid must be 1-40 letters, digits, - or _")
            if receiver.get("uid") in uids:
                errors.append(f"{where}: uid used twice")
            uids.add(receiver.get("uid"))
            if not receiver.get("settings"):
                errors.append(f"{where}: no settings are set")
                continue
            errors += [f"{where}: {e}" for e in integration_errors(receiver.get("type"), receiver["settings"])]
    for deleted in document.get("deleteContactPoints", []):
        if set(deleted) - {"orgId", "uid"} or not UID.match(str(deleted.get("uid", ""))):
            errors.append(f"deleteContactPoints: {deleted!r} is not an orgId and a uid")
        if deleted.get("uid") in uids:
            errors.append(f"deleteContactPoints: {deleted['uid']} is provisioned and deleted by the same file")
    for policy in document.get("policies", []):
        errors += route_errors(interpolate(policy, env), receivers, "policy")
    if not all(isinstance(org, int) for org in document.get("resetPolicies", [])):
        errors.append("resetPolicies must list organisation ids")
    if document.get("policies") and 1 in document.get("resetPolicies", []):
        errors.append("the policy of organisation 1 is both provisioned and reset")
    return errors
