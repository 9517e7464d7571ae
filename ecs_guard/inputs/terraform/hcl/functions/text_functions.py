"""Computing functions: a new value from fully known arguments (strings,
numbers, format()); literal when every argument was."""

from __future__ import annotations

import base64
import hashlib
import json
import posixpath
import re

from ecs_guard.inputs.terraform.hcl import typeconv
from ecs_guard.inputs.terraform.hcl.functions.registry import MAX_STRING, FunctionError, LimitExceeded, computing

# A format() width or precision larger than this is not evaluated: real
# code pads to a few characters; "%999999999d" would be a gigabyte.
MAX_FORMAT_WIDTH = 10_000


@computing("format", arity=(1, None))
def _format(template, *values):
    return go_format(template, values)


@computing("join", arity=(2, None))
def _join(separator, *lists):
    parts: list[str] = []
    for items in lists:
        parts.extend(_text(item) for item in items)
    return separator.join(parts)


@computing("split", arity=(2, 2))
def _split(separator, text):
    return text.split(separator) if separator else list(text)


@computing("lower", arity=(1, 1))
def _lower(text):
    return _text(text).lower()


@computing("upper", arity=(1, 1))
def _upper(text):
    return _text(text).upper()


@computing("title", arity=(1, 1))
def _title(text):
    return re.sub(r"\b\w", lambda m: m.group(0).upper(), _text(text))


@computing("trimspace", arity=(1, 1))
def _trimspace(text):
    return _text(text).strip()


@computing("trim", arity=(2, 2))
def _trim(text, characters):
    return _text(text).strip(characters)


@computing("trimprefix", arity=(2, 2))
def _trimprefix(text, prefix):
    text = _text(text)
    return text[len(prefix) :] if prefix and text.startswith(prefix) else text


@computing("trimsuffix", arity=(2, 2))
def _trimsuffix(text, suffix):
    text = _text(text)
    return text[: -len(suffix)] if suffix and text.endswith(suffix) else text


@computing("chomp", arity=(1, 1))
def _chomp(text):
    return re.sub(r"(\r?\n)+\Z", "", _text(text))


@computing("replace", arity=(3, 3))
def _replace(text, search, replacement):
    text = _text(text)
    if len(search) > 1 and search.startswith("/") and search.endswith("/"):
        try:
            result = re.sub(search[1:-1], re.sub(r"\$(\d+)", r"\\\1", replacement), text)
            _bounded(len(result))
            return result
        except re.error as error:
            raise FunctionError(f"invalid pattern ({error})") from None
    if replacement and len(replacement) > len(search):
        _bounded(len(text) + (text.count(search) if search else len(text) + 1) * (len(replacement) - len(search)))
    return text.replace(search, replacement)


def _bounded(size: int) -> None:
    if size > MAX_STRING:
        raise LimitExceeded(f"the result would be {size:,} characters, more than {MAX_STRING:,}")


@computing("substr", arity=(3, 3))
def _substr(text, offset, length):
    text = _text(text)
    offset = int(offset) if offset >= 0 else len(text) + int(offset)
    return text[offset:] if length == -1 else text[offset : offset + int(length)]


@computing("startswith", arity=(2, 2))
def _startswith(text, prefix):
    return _text(text).startswith(prefix)


@computing("endswith", arity=(2, 2))
def _endswith(text, suffix):
    return _text(text).endswith(suffix)


@computing("strcontains", arity=(2, 2))
def _strcontains(text, part):
    return part in _text(text)


@computing("contains", arity=(2, 2))
def _contains(items, item):
    return item in items


@computing("range", arity=(1, 3))
def _range(*bounds):
    if len(bounds) == 1:
        start, stop, step = 0, bounds[0], 1
    else:
        start, stop = bounds[0], bounds[1]
        step = bounds[2] if len(bounds) == 3 else (1 if stop >= start else -1)
    if step == 0:
        raise FunctionError("step must not be 0")
    if (stop - start) / step > 1024:  # counted before a list of a billion numbers is made
        raise FunctionError("more than 1024 elements")
    result, current = [], start
    while (step > 0 and current < stop) or (step < 0 and current > stop):
        result.append(current)
        current += step
    if len(result) > 1024:
        raise FunctionError("more than 1024 elements")
    return result


@computing("min", arity=(1, None))
def _min(*numbers):
    return min(numbers)


@computing("max", arity=(1, None))
def _max(*numbers):
    return max(numbers)


@computing("abs", arity=(1, 1))
def _abs(value):
    return abs(value)


@computing("ceil", arity=(1, 1))
def _ceil(value):
    return -int(-value // 1)


@computing("floor", arity=(1, 1))
def _floor(value):
    return int(value // 1)


@computing("sum", arity=(1, 1))
def _sum(values):
    return sum(values)


@computing("sort", arity=(1, 1))
def _sort(values):
    return sorted(_text(value) for value in values)


@computing("base64encode", arity=(1, 1))
def _base64encode(text):
    return base64.b64encode(_text(text).encode()).decode()


@computing("base64decode", arity=(1, 1))
def _base64decode(text):
    try:
        return base64.b64decode(text).decode()
    except ValueError as error:
        raise FunctionError(f"not base64 ({error})") from None


def _digest_function(algorithm: str):
    def digest(text):
        return hashlib.new(algorithm, _text(text).encode()).hexdigest()

    return digest


for _algorithm in ("md5", "sha1", "sha256"):
    computing(_algorithm, arity=(1, 1))(_digest_function(_algorithm))


@computing("basename", arity=(1, 1))
def _basename(path):
    return posixpath.basename(path)


@computing("dirname", arity=(1, 1))
def _dirname(path):
    return posixpath.dirname(path) or "."


def _text(value) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, (bool, int, float)):
        return typeconv.number_text(value)
    raise FunctionError(f"expected a string, got {type(value).__name__}")


# ----------------------------------------------------------------- format()

_VERB = re.compile(r"%(?:\[(\d+)\])?([-+# 0]*)(\d+)?(?:\.(\d+))?([a-zA-Z%])")


def go_format(template: str, values: tuple) -> str:
    """Terraform's format(): Go-style verbs %s %d %f %v %q %t %x %%."""
    result: list[str] = []
    position = 0
    next_argument = 0
    for match in _VERB.finditer(template):
        result.append(template[position : match.start()])
        position = match.end()
        explicit, flags, width, precision, verb = match.groups()
        if verb == "%":
            result.append("%")
            continue
        index = int(explicit[:9]) - 1 if explicit else next_argument
        next_argument = index + 1
        if index >= len(values):
            raise FunctionError("not enough arguments for the format string")
        result.append(_format_one(values[index], flags, width, precision, verb))
    result.append(template[position:])
    return "".join(result)


def _format_one(value, flags: str, width: str | None, precision: str | None, verb: str) -> str:
    for bound in (width, precision):
        if bound is not None and (len(bound) > 9 or int(bound) > MAX_FORMAT_WIDTH):
            raise LimitExceeded(f"a format width or precision of {bound[:12]} (more than {MAX_FORMAT_WIDTH:,})")
    if verb in ("s", "v"):
        text = json.dumps(value, separators=(",", ":")) if isinstance(value, (list, dict)) else _text(value)
        if precision is not None:
            text = text[: int(precision)]
    elif verb == "q":
        text = json.dumps(_text(value), ensure_ascii=False)
    elif verb == "t":
        if not isinstance(value, bool):
            raise FunctionError("%t needs a bool")
        text = "true" if value else "false"
    elif verb in ("d", "x", "X", "o", "b"):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not float(value).is_integer():
            raise FunctionError(f"%{verb} needs a whole number")
        text = format(int(value), {"d": "d", "x": "x", "X": "X", "o": "o", "b": "b"}[verb])
        if "+" in flags and value >= 0:
            text = "+" + text
    elif verb in ("f", "e", "g"):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise FunctionError(f"%{verb} needs a number")
        text = format(float(value), f".{precision or 6}{verb}")
    else:
        raise FunctionError(f"unsupported format verb %{verb}")
    if width:
        size = int(width)
        if "-" in flags:
            text = text.ljust(size)
        elif "0" in flags and verb not in ("s", "q", "v"):
            text = text.rjust(size, "0")
        else:
            text = text.rjust(size)
    return text
