"""The offline validators of ../shared/schemas (validate_compose.py, validate_dashboard.py) as functions.

Those scripts validate at import time, so their few lines of set-up are repeated here, relaxations included.
"""
import json

import jsonschema

from paths import SHARED_SCHEMAS


def _load(name):
    path = SHARED_SCHEMAS / name
    if not path.is_file():
        raise FileNotFoundError(f"{path} is missing: the deploy tests expect shared/ beside the repository")
    return json.loads(path.read_text())


def compose_errors(document):
    validator = jsonschema.Draft7Validator(_load("compose-spec.json"), format_checker=jsonschema.FormatChecker())
    return [f"{'/'.join(map(str, e.absolute_path)) or '<root>'}: {e.message}" for e in validator.iter_errors(document)]


def dashboard_errors(document):
    schema = _load("grafana-dashboard-v11.6.jsonschema.json")
    definitions = schema["definitions"]
    # The spots where Grafana 11's own exports differ from the generated schema, relaxed as validate_dashboard.py does.
    definitions["Dashboard"]["properties"]["id"]["type"] = ["integer", "null"]
    definitions["Threshold"]["properties"]["value"]["type"] = ["number", "null"]
    definitions["VariableModel"]["properties"]["query"] = {"type": ["string", "object"]}
    definitions["VariableModel"]["properties"]["definition"] = {"type": "string"}
    document = {k: v for k, v in document.items() if k not in ("__inputs", "__requires", "__elements")}
    errors = []
    for error in jsonschema.Draft7Validator(schema).iter_errors(document):
        branches = {}
        for sub in error.context:  # for oneOf (panel or row), the branch with the fewest errors
            branches.setdefault(sub.schema_path[0], []).append(sub)
        for sub in (min(branches.values(), key=len) if branches else [error]):
            errors.append(f"{'/'.join(map(str, sub.absolute_path)) or '<root>'}: {sub.message[:200]}")
    return errors
