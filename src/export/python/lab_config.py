"""CONFIG and SWEEP as the lab reads them: every value checked against the lab's limits
(src/config/validate.ts), and written back as the lab's canonical link (url.ts toQuery, sweep
definition.ts sweepQuery), character for character, so that a result file names the link that
reruns it.
"""
import decimal
import math
import urllib.parse


class RunnerError(Exception):
    """A mistake in the options or the configuration: printed as one line, exit status 2."""


# ----------------------------------------------------------------------------------------------
# Links: the lab's canonical query text (src/config/url.ts toQuery, validate.ts formatValue), so
# that the result file carries the link that reruns it, character for character.


def _config_shortest_digits(x):
    """The shortest digits that round-trip |x| (as JavaScript and repr choose them) and the decimal
    exponent n with |x| = 0.d1…dk × 10^n."""
    _, digits, exponent = decimal.Decimal(repr(abs(float(x)))).normalize().as_tuple()
    text = "".join(map(str, digits))
    return text, exponent + len(text)


def runner_js_number(x):
    """A number as JavaScript's String(x) writes it (shortest round-trip digits)."""
    if isinstance(x, bool):
        raise TypeError("a boolean is not a number here")
    if isinstance(x, int):
        return str(x)
    if x == 0:
        return "0"
    if x == int(x) and abs(x) < 1e21:
        return str(int(x))
    text, n = _config_shortest_digits(x)
    k = len(text)
    prefix = "-" if x < 0 else ""
    if k <= n <= 21:
        return prefix + text + "0" * (n - k)
    if 0 < n <= 21:
        return prefix + text[:n] + "." + text[n:]
    if -6 < n <= 0:
        return prefix + "0." + "0" * (-n) + text
    return prefix + runner_js_exponential(text, n - 1)


def runner_js_exponential(digits, exponent):
    mantissa = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
    return f"{mantissa}e{'+' if exponent >= 0 else '-'}{abs(exponent)}"


def runner_format_value(param, value):
    """formatValue of validate.ts: the shorter of the plain and the exponential text."""
    if param["kind"] == "choice":
        return str(value)
    if param["integer"]:
        return str(int(value))
    fixed = runner_js_number(value).replace("e+", "e")
    if value == 0:
        return fixed
    text, n = _config_shortest_digits(value)
    exp = ("-" if value < 0 else "") + runner_js_exponential(text, n - 1).replace("e+", "e")
    return exp if len(exp) < len(fixed) else fixed


def runner_query(config, params):
    """toQuery of url.ts: the version, then every parameter in the schema's order."""
    parts = ["v=1"]
    for key, param in params.items():
        parts.append(f"{key}={urllib.parse.quote(runner_format_value(param, config[key]), safe='-_.!~*()' + chr(39))}")
    return "?" + "&".join(parts)


def runner_axis_spec(axis, params):
    """The axis as the link writes it: the lab's text while the values are the exported ones."""
    if axis.get("exportedValues") is not None and list(axis["values"]) == list(axis["exportedValues"]):
        return axis["spec"]
    param = params.get(axis["key"]) or {"kind": "number", "integer": False}
    return axis["key"] + "=" + ",".join(runner_format_value(param, v) for v in axis["values"])


def runner_sweep_query(config, sweep, params):
    parts = [runner_query(config, params)]
    for axis in sweep["axes"]:
        parts.append("over=" + urllib.parse.quote(runner_axis_spec(axis, params), safe="-_.!~*()'=:,"))
    parts.append("measure=" + sweep["measure"])
    if sweep.get("experiment"):
        parts.append("exp=" + urllib.parse.quote(sweep["experiment"], safe="-_.!~*()'=:,"))
    return "&".join(parts)


# ----------------------------------------------------------------------------------------------
# Checking CONFIG, SWEEP and --set against the lab's limits (validate.ts isValidNumber).


def runner_check_value(key, value, params, where):
    param = params.get(key)
    if param is None:
        raise RunnerError(f"{where}: {key} is not a parameter of the lab (known: {', '.join(params)})")
    if param["kind"] == "choice":
        if value not in param["choices"]:
            raise RunnerError(f"{where}: {key}={value!r} is not one of {' | '.join(param['choices'])}")
        return value
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise RunnerError(f"{where}: {key}={value!r} is not a finite number")
    if not param["min"] <= value <= param["max"]:
        raise RunnerError(f"{where}: {key}={value} is outside {param['min']} … {param['max']}")
    if param["integer"]:
        if value != int(value):
            raise RunnerError(f"{where}: {key}={value} is not a whole number")
        return int(value)
    low = param.get("logMin")
    if param.get("zeroAllowed") and 0 < value < low:
        raise RunnerError(f"{where}: {key}={value} lies between 0 and {low}, where the lab has no value")
    return float(value)


def runner_check_config(config, params):
    missing = [key for key in params if key not in config]
    if missing:
        raise RunnerError(f"CONFIG: {', '.join(missing)} missing")
    return {key: runner_check_value(key, config[key], params, "CONFIG") for key in params}


def runner_parse_setting(text, params):
    if "=" not in text:
        raise RunnerError(f"--set {text}: write key=value, e.g. --set N=1024")
    key, raw = (part.strip() for part in text.split("=", 1))
    param = params.get(key)
    if param is None:
        raise RunnerError(f"--set {text}: {key} is not a parameter of the lab (known: {', '.join(params)})")
    if param["kind"] == "choice":
        return key, runner_check_value(key, raw, params, "--set")
    try:
        number = int(raw) if raw.lstrip("+-").isdigit() else float(raw)
    except ValueError:
        raise RunnerError(f"--set {text}: {raw!r} is not a number") from None
    return key, runner_check_value(key, number, params, "--set")


def runner_check_sweep(sweep, params, exported_values=None):
    if sweep is None:
        return None
    if sweep.get("measure") not in ("tau", "ntk", "curvature", "weights", "curves"):
        raise RunnerError(f"SWEEP: measure={sweep.get('measure')!r} is not tau | ntk | curvature | weights | curves")
    axes = sweep.get("axes") or []
    if len(axes) > 2:
        raise RunnerError(f"SWEEP: {len(axes)} axes; a sweep has at most two")
    checked = []
    for index, axis in enumerate(axes):
        key, values = axis.get("key"), list(axis.get("values") or [])
        if not values:
            raise RunnerError(f"SWEEP: the axis {key} has no values")
        if len(set(map(repr, values))) != len(values):
            raise RunnerError(f"SWEEP: the axis {key} lists a value twice")
        if key == "qstar":
            for q in values:
                if isinstance(q, bool) or not isinstance(q, (int, float)) or not 1e-6 <= q <= 10:
                    raise RunnerError(f"SWEEP: qstar={q!r} is outside 1e-06 … 10")
        else:
            if key in ("init", "seeds", "seed"):
                raise RunnerError(f"SWEEP: {key} is not an axis (every point runs CONFIG's inits x seeds)")
            values = [runner_check_value(key, v, params, "SWEEP") for v in values]
        exported = exported_values[index] if exported_values and index < len(exported_values) else None
        checked.append({**axis, "values": values, "exportedValues": exported})
    if len(checked) == 2 and checked[0]["key"] == checked[1]["key"]:
        raise RunnerError(f"SWEEP: {checked[0]['key']} is swept twice")
    return {**sweep, "axes": checked}
