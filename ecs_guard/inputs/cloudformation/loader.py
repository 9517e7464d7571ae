"""load_template: a template's text to its data and the lines of its keys.

JSON when the text is an object (``{`` first) or the file is a .json; a
text starting with ``{`` that is not valid JSON is tried as YAML (a YAML
flow mapping) before its JSON problem is reported. Everything else is
YAML. Whether the result is a template at all is for detect.is_template
to say: loading only reports what makes a file unreadable.

Loading turns the garbage collector off: it builds hundreds of thousands
of objects and no reference cycles, and a collection pass every 700 of
them (each walking a growing heap) cost a third of the time. It is turned
back on, if it was on, whatever happens.
"""

from __future__ import annotations

import gc

from ecs_guard.inputs.cloudformation.detect import decode_template
from ecs_guard.inputs.cloudformation.template import Template, TemplateError


def load_template(text: str, display: str, pure_python: bool = False) -> Template:
    """The template in `text` (from the file shown as `display`); raises
    TemplateError with the line for what makes it unreadable.
    `pure_python`: PyYAML's Python parser even where libyaml is present."""
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise TemplateError("a NUL character: a binary file, not a template", line)
    collecting = gc.isenabled()
    gc.disable()
    try:
        if text.lstrip().startswith("{") or display.lower().endswith(".json"):
            return _json_or_yaml(text, display, pure_python)
        return _yaml(text, display, pure_python)
    finally:
        if collecting:
            gc.enable()


def read_template(data: bytes, display: str) -> Template:
    """load_template of a file's bytes (detect.decode_template's problems)."""
    return load_template(decode_template(data), display)


def _yaml(text: str, display: str, pure_python: bool) -> Template:
    from ecs_guard.inputs.cloudformation.yaml_loader import load_yaml

    data, root_line, lines = load_yaml(text, pure_python)
    return Template(display, data, "yaml", root_line, lines)


def _json_or_yaml(text: str, display: str, pure_python: bool) -> Template:
    from ecs_guard.inputs.cloudformation.json_loader import JsonSyntaxError, load_json
    from ecs_guard.inputs.jsondocs.lines import JsonText

    try:
        data = load_json(text)
    except JsonSyntaxError as json_problem:
        if display.lower().endswith(".json"):
            raise
        try:
            return _yaml(text, display, pure_python)
        except TemplateError:
            raise json_problem from None
    return Template(display, data, "json", json_text=JsonText(display, text))
