"""openapi.yaml as the tests read it (its routes, examples and schemas as validators), and the routes and limits the
collector's Swift sources define, read from the sources themselves."""
import re

import yaml
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from paths import REPO

SPEC_PATH = REPO / "openapi.yaml"
COLLECTOR_SOURCES = REPO / "Sources" / "Collector"
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
# The document's own URI while its schemas are resolved, so that its "#/components/..." references resolve in it.
BASE_URI = "urn:agent-telemetry:openapi"


def load():
    return yaml.safe_load(SPEC_PATH.read_text())


def operations(spec):
    """(path, METHOD, operation) for every operation, in document order."""
    for path, item in spec["paths"].items():
        for method in HTTP_METHODS:
            if method in item:
                yield path, method.upper(), item[method]


def routes(spec):
    """{path: {METHOD, ...}} of the document."""
    documented = {}
    for path, method, _ in operations(spec):
        documented.setdefault(path, set()).add(method)
    return documented


def resolve(spec, node):
    """A node with its `$ref` (a local one, as this document has only those) followed."""
    while isinstance(node, dict) and "$ref" in node:
        target = spec
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part.replace("~1", "/").replace("~0", "~")]
        node = target
    return node


def pointer(*parts):
    return "#/" + "/".join(str(part).replace("~", "~0").replace("/", "~1") for part in parts)


def validator(spec, *parts):
    """A JSON Schema 2020-12 validator (OpenAPI 3.1's dialect) for the schema at `parts`, formats asserted."""
    registry = Registry().with_resource(BASE_URI, Resource.from_contents(spec, default_specification=DRAFT202012))
    return Draft202012Validator({"$ref": BASE_URI + pointer(*parts)}, registry=registry,
                                format_checker=Draft202012Validator.FORMAT_CHECKER)


def schema_errors(spec, value, *parts):
    return [f"{'/'.join(map(str, error.absolute_path)) or '(root)'}: {error.message}"
            for error in validator(spec, *parts).iter_errors(value)]


def response(spec, path, method, status):
    """The response object an operation documents for `status` (an int), references followed, or None."""
    return resolve(spec, spec["paths"][path][method.lower()]["responses"].get(str(status)))


# The sources' words for a route: each endpoint type conforms to `Endpoint` and names its path and methods.
ENDPOINT_TYPE = re.compile(r"^struct (\w+): Endpoint\b", re.MULTILINE)
PATH_DECLARATION = re.compile(r'^\s*let path = "([^"]+)"', re.MULTILINE)
METHODS_DECLARATION = re.compile(r"^\s*let methods = \[([^\]]*)\]", re.MULTILINE)
# The function that builds the router's endpoints: `... -> [any Endpoint] { ... return [ ... ] }`.
REGISTRATION = re.compile(r"-> \[any Endpoint\] \{(.*?)\n    \}", re.DOTALL)
SCHEMA_FIELD = re.compile(r'static let \w+ = Field\(name: "(\w+)", maxLength: (\d+)\)')


class SourceError(AssertionError):
    pass


def swift_sources():
    """Every Swift file of the Collector module, in its folders."""
    return sorted(COLLECTOR_SOURCES.rglob("*.swift"))


def source_defining(declaration):
    """The one Swift file of the module whose text matches `declaration` (a regular expression)."""
    matches = [file for file in swift_sources() if re.search(declaration, file.read_text(), re.MULTILINE)]
    if len(matches) != 1:
        raise SourceError(f"expected one file declaring /{declaration}/ under {COLLECTOR_SOURCES}, found {matches}")
    return matches[0]


def endpoints_in_sources():
    """{type name: (path, [METHOD, ...])} of every `Endpoint` in Sources/Collector, one per file as the style has it."""
    found = {}
    for file in swift_sources():
        text = file.read_text()
        names = ENDPOINT_TYPE.findall(text)
        if not names:
            continue
        paths, methods = PATH_DECLARATION.findall(text), METHODS_DECLARATION.findall(text)
        if len(names) != 1 or len(paths) != 1 or len(methods) != 1:
            raise SourceError(f"{file.name}: expected one Endpoint with one `let path = \"...\"` and one "
                              f"`let methods = [...]`, found types {names}, paths {paths}, methods {methods}")
        found[names[0]] = (paths[0], re.findall(r'"([A-Z]+)"', methods[0]))
    return found


def registered_endpoint_types():
    """The endpoint types the service hands to the router, in order."""
    file = source_defining(r"-> \[any Endpoint\] \{")
    match = REGISTRATION.search(file.read_text())
    if not match:
        raise SourceError(f"{file.name}: no `-> [any Endpoint] {{ ... }}` function found")
    return re.findall(r"\b(\w+Endpoint)\(", match.group(1))


def event_field_caps():
    """{field name: most code points} from EventSchema.swift."""
    caps = dict(SCHEMA_FIELD.findall(source_defining(r"^enum EventSchema\b").read_text()))
    if not caps:
        raise SourceError("EventSchema.swift: no `Field(name: ..., maxLength: ...)` found")
    return {name: int(cap) for name, cap in caps.items()}


def default_setting(name):
    """The default of an integer setting of `struct Settings` (`public var name = 100`)."""
    match = re.search(rf"public var {name} = (\d+)\b", source_defining(r"^public struct Settings\b").read_text())
    if not match:
        raise SourceError(f"Settings.swift: no integer default for {name}")
    return int(match.group(1))
