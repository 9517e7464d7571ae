"""One .json file: read once, recognised by its content, handed on.

A Terraform plan is recognised from its first bytes and never parsed here
(the plan adapter streams it). Anything else is decoded and parsed once,
then classified by shape (inputs/detect.py): the caller routes it by the
shape's kind. JSON that is no input ecs-guard knows is reported "not
understood" when found in a folder, and unreadable when the user named the
file (they asked for it to be scanned).
"""

from __future__ import annotations

import codecs
import json
from dataclasses import dataclass
from typing import Any, BinaryIO

from ecs_guard.inputs import detect
from ecs_guard.inputs.jsondocs.types import FieldTypes
from ecs_guard.inputs.problems import InputError, InputProblem

NOT_UNDERSTOOD = "not an ECS input ecs-guard understands"
_CHUNK_BYTES = 1 << 20


@dataclass
class JsonFile:
    """A parsed JSON input: its text (for lines), its data and its shape."""

    text: str
    data: Any
    shape: detect.Shape | None
    well_typed: bool = True  # every field has its expected type (jsondocs/types.py)


PLAN = "plan"  # read_json_file's answer for a Terraform plan: not parsed here


def read_json_file(
    stream: BinaryIO, display: str, named: bool, field_types: FieldTypes | None = None
) -> JsonFile | str | InputProblem | None:
    """The file behind `stream` as a JsonFile, PLAN, a problem, or None for
    a scanner's own report (recognised, nothing to check). `field_types`:
    the checker to parse with, kept by a caller that reads many files."""
    head = stream.read(detect.HEAD_BYTES)
    head_text = head.decode("utf-8", "ignore") if b'"format_version"' in head else ""
    if detect.looks_like_terraform_json(head_text):
        if detect.mentions_plan_keys(head_text) or _rest_mentions_plan_keys(stream, head_text):
            return PLAN
        return not_understood(
            display, named, "Terraform JSON that is not a plan (scan the output of `terraform show -json PLANFILE`)"
        )
    raw = head + stream.read() if len(head) == detect.HEAD_BYTES else head
    try:
        text = decode(raw)
        field_types = field_types or FieldTypes()
        data = field_types.loads(text)
    except InputError as error:
        return InputProblem(display, error.message, error.line)
    except json.JSONDecodeError as error:
        if detect.has_comment_lines(text):
            return not_understood(display, named, "JSON with comments (like tsconfig.json): " + NOT_UNDERSTOOD)
        return InputProblem(display, f"invalid JSON: {error.msg}", error.lineno)
    except RecursionError:
        return InputProblem(display, "invalid JSON: nested too deeply")
    shape = detect.classify(data)
    if shape is detect.REPORT:
        return None
    if shape is None:
        return not_understood(display, named, NOT_UNDERSTOOD + detect.hint_for_unknown(data))
    return JsonFile(text, data, shape, not field_types.wrong)


def _rest_mentions_plan_keys(stream: BinaryIO, head_text: str) -> bool:
    """Looks past the head for planned_values / resource_changes, a chunk at a
    time: a plan whose variables fill the first KB is still a plan, and a
    25 MB state is not parsed just to be told apart from one."""
    carry = head_text[-64:]
    while chunk := stream.read(_CHUNK_BYTES):
        text = carry + chunk.decode("utf-8", "ignore")
        if detect.mentions_plan_keys(text):
            return True
        carry = text[-64:]
    return False


def decode(raw: bytes) -> str:
    """UTF-8 text without its BOM; UTF-16 and other bytes are a named problem."""
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise InputError("UTF-16 text: ecs-guard reads UTF-8 (save the file as UTF-8)")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise InputError("not UTF-8 text", raw.count(b"\n", 0, error.start) + 1) from None
    return text[1:] if text.startswith("\ufeff") else text


def not_understood(display: str, named: bool, message: str) -> InputProblem:
    """Input that is no kind ecs-guard knows: noted when found in a folder,
    unreadable when the user named the file."""
    return InputProblem(display, message, kind="unreadable" if named else "not-understood")
