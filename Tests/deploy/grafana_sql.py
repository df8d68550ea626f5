"""What Grafana 11 sends to PostgreSQL for a panel's raw SQL, reproduced step by step.

1. The browser replaces template variables (templateSrv, same regular expression) and the built-in $__interval and
   $__interval_ms. The PostgreSQL data source formats a value as SQL: every value of a multi-value or include-All
   variable is quoted ('a','b'), a single-value variable only has its quotes doubled, and All with a custom
   "allValue" inserts that text as it is.
2. The server (sqleng.Interpolate) replaces $__interval_ms, $__interval, $__unixEpochFrom() and $__unixEpochTo().
3. The PostgreSQL macro engine (pkg/tsdb/grafana-postgresql-datasource/macros.go) replaces every `$name(args)`,
   with the same regular expression, the same output, its errors for unknown macros, and its quirk: `$__timeGroup(...)`
   directly followed by a comma becomes `$__timeGroupAlias(...)`.
"""
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from decimal import Decimal

TEMPLATE_VARIABLE = re.compile(r"\$(\w+)|\[\[(\w+?)(?::(\w+))?\]\]|\$\{(\w+)(?:\.([^:^\}]+))?(?::([^\}]+))?\}")
MACRO = re.compile(r"\$([_a-zA-Z0-9]+)\(([^\)]*)\)")


class MacroError(Exception):
    pass


@dataclass
class Variable:
    """A dashboard variable as defined in the dashboard JSON, and what the viewer selected."""
    name: str
    multi: bool = False
    include_all: bool = False
    all_value: str = None
    options: list = field(default_factory=list)  # what the variable's own query returned
    selected: list = field(default_factory=list)  # values; ["$__all"] for All

    @classmethod
    def from_dashboard(cls, definition, selected, options=()):
        return cls(name=definition["name"], multi=bool(definition.get("multi")),
                   include_all=bool(definition.get("includeAll")), all_value=definition.get("allValue") or None,
                   options=list(options), selected=list(selected))


def quote_literal(value):
    return "'" + str(value).replace("'", "''") + "'"


def format_sql_value(variable, value):
    """The PostgreSQL data source's interpolateVariable."""
    if isinstance(value, list):
        return ",".join(quote_literal(v) for v in value)
    if variable.multi or variable.include_all:
        return quote_literal(value)
    return str(value).replace("'", "''")


def format_interval(seconds):
    """gtime.FormatInterval: the largest whole unit."""
    for unit, size in (("y", 31536000), ("d", 86400), ("h", 3600), ("m", 60), ("s", 1)):
        if seconds >= size:
            return f"{int(seconds // size)}{unit}"
    return f"{int(seconds * 1000)}ms"


def parse_interval(text):
    """gtime.ParseInterval for the units a dashboard uses (no months or years: they depend on the date)."""
    match = re.fullmatch(r"(\d+(?:\.\d+)?)(ms|s|m|h|d|w)", text.strip())
    if not match:
        raise MacroError(f"error parsing interval {text}")
    number, unit = float(match.group(1)), match.group(2)
    return number * {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}[unit]


def go_float(value):
    """Go's %v for a float64 (strconv 'g', shortest): exponent form below 1e-4 and from 1e+06 on."""
    if value == 0:
        return "0"
    sign, digit_tuple, exponent = Decimal(repr(value)).normalize().as_tuple()
    digits = "".join(map(str, digit_tuple))
    point = len(digits) + exponent
    prefix = "-" if sign else ""
    if point - 1 < -4 or point - 1 >= 6:
        mantissa = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
        return f"{prefix}{mantissa}e{'+' if point >= 1 else '-'}{abs(point - 1):02d}"
    if point <= 0:
        return f"{prefix}0.{'0' * -point}{digits}"
    if point >= len(digits):
        return prefix + digits + "0" * (point - len(digits))
    return f"{prefix}{digits[:point]}.{digits[point:]}"


def rfc3339nano(moment):
    moment = moment.astimezone(timezone.utc)
    text = moment.strftime("%Y-%m-%dT%H:%M:%S")
    if moment.microsecond:
        text += ("." + f"{moment.microsecond:06d}").rstrip("0")
    return text + "Z"


@dataclass
class TimeRange:
    start: datetime
    end: datetime

    @classmethod
    def last(cls, duration, now=None):
        now = now or datetime.now(timezone.utc)
        return cls(now - duration, now)


def replace_template_variables(sql, variables, interval_seconds, time_range):
    """Step 1, the browser."""
    by_name = {v.name: v for v in variables}
    builtins = {
        "__interval": format_interval(interval_seconds),
        "__interval_ms": str(int(interval_seconds * 1000)),
        "__range_s": str(int((time_range.end - time_range.start).total_seconds())),
        "__from": str(int(time_range.start.timestamp() * 1000)),
        "__to": str(int(time_range.end.timestamp() * 1000)),
    }

    def replace(match):
        name = match.group(1) or match.group(2) or match.group(4)
        fmt = match.group(3) or match.group(6)
        if name in builtins:
            if fmt:
                raise MacroError(f"format {fmt!r} on built-in ${name} is not reproduced by these tests")
            return builtins[name]
        variable = by_name.get(name)
        if variable is None:
            return match.group(0)  # Grafana leaves unknown names (and the $__ macros) alone
        if fmt not in (None, "sqlstring", "raw", "csv"):
            raise MacroError(f"format {fmt!r} is not reproduced by these tests")
        if variable.selected == ["$__all"]:
            if variable.all_value is not None:
                return replace_template_variables(variable.all_value, variables, interval_seconds, time_range)
            value = list(variable.options)
        else:
            value = variable.selected if (variable.multi or len(variable.selected) != 1) else variable.selected[0]
        if fmt in ("raw", "csv"):
            return ",".join(value) if isinstance(value, list) else value
        return format_sql_value(variable, value)

    return TEMPLATE_VARIABLE.sub(replace, sql)


def replace_server_variables(sql, interval_seconds, time_range):
    """Step 2, sqleng.Interpolate."""
    sql = sql.replace("$__interval_ms", str(int(interval_seconds * 1000)))
    sql = sql.replace("$__interval", format_interval(interval_seconds))
    sql = sql.replace("$__unixEpochFrom()", str(int(time_range.start.timestamp())))
    return sql.replace("$__unixEpochTo()", str(int(time_range.end.timestamp())))


def evaluate_macro(name, args, time_range):
    start, end = rfc3339nano(time_range.start), rfc3339nano(time_range.end)
    if name in ("__time", "__timeEpoch", "__timeFilter", "__unixEpochFilter") and not args[0]:
        raise MacroError(f"missing time column argument for macro {name}")
    if name == "__time":
        return f'{args[0]} AS "time"'
    if name == "__timeEpoch":
        return f'extract(epoch from {args[0]}) as "time"'
    if name == "__timeFilter":
        return f"{args[0]} BETWEEN '{start}' AND '{end}'"
    if name == "__timeFrom":
        return f"'{start}'"
    if name == "__timeTo":
        return f"'{end}'"
    if name in ("__timeGroup", "__timeGroupAlias"):
        if len(args) < 2:
            raise MacroError(f"macro {name} needs time column and interval and optional fill value")
        seconds = go_float(parse_interval(args[1].strip("'")))
        group = f"floor(extract(epoch from {args[0]})/{seconds})*{seconds}"
        return group + ' AS "time"' if name == "__timeGroupAlias" else group
    if name == "__unixEpochFilter":
        return (f"{args[0]} >= {int(time_range.start.timestamp())} AND "
                f"{args[0]} <= {int(time_range.end.timestamp())}")
    raise MacroError(f'unknown macro "{name}"')


def replace_macros(sql, time_range):
    """Step 3, the PostgreSQL macro engine."""
    original = sql

    def replace(match):
        name = match.group(1)
        if name == "__timeGroup":
            index = original.find(match.group(0))
            after = index + len(match.group(0))
            if index >= 0 and after < len(original) and original[after] == ",":
                name = "__timeGroupAlias"
        args = [arg.strip(" ") for arg in match.group(2).split(",")]
        return evaluate_macro(name, args, time_range)

    return MACRO.sub(replace, sql)


def expand(sql, time_range, variables=(), interval_seconds=60):
    """The SQL text PostgreSQL receives from Grafana for this panel query."""
    sql = replace_template_variables(sql, list(variables), interval_seconds, time_range)
    sql = replace_server_variables(sql, interval_seconds, time_range)
    return replace_macros(sql, time_range)


def relative_time_range(relative, now=None):
    """An alert query's relativeTimeRange ({from: seconds ago, to: seconds ago})."""
    now = now or datetime.now(timezone.utc)
    return TimeRange(now - timedelta(seconds=relative["from"]), now - timedelta(seconds=relative.get("to", 0)))
