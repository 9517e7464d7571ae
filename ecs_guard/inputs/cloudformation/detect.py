"""Which files are CloudFormation templates, and their text.

Two steps, so that the YAML of Kubernetes manifests, GitHub workflows,
docker-compose files and the like is never parsed: a cheap look at a
file's head (looks_like_template), then, once loaded, recognition by
content (is_template). A file that fails either is not ours and is
skipped silently: it is no problem of the user's that we do not read it.

CloudFormation's section names are capitalised (``Resources:``,
``AWSTemplateFormatVersion:``) where those other formats use lower case
(``resources:``, ``metadata:``), which makes the pre-filter both cheap
and sharp.
"""

from __future__ import annotations

import codecs
import re
from typing import Any

from ecs_guard.inputs.cloudformation.template import TemplateError

HEAD_BYTES = 8192
"""How much of a file the pre-filter is meant to see."""

SUFFIXES = (".yaml", ".yml", ".json", ".template")
"""Names a template file has (a ``.template`` file may be YAML or JSON)."""

RESOURCE_TYPE_PREFIXES = ("AWS::", "Custom::", "Alexa::")

_VERSION = "AWSTemplateFormatVersion"
_YAML_RESOURCES = re.compile(r"^Resources[ \t]*:", re.MULTILINE)
_JSON_RESOURCES = re.compile(r'"Resources"\s*:\s*\{')
_YAML_SECTION = re.compile(r"^(?:Parameters|Mappings|Conditions|Rules|Outputs|Transform|Metadata)[ \t]*:", re.MULTILINE)
_RESOURCE_TYPE = re.compile(r"\b(?:AWS|Custom|Alexa)::\w")
_UTF16_BOMS = (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


def looks_like_template(head: str | bytes) -> bool:
    """Whether a file starting with `head` (its first HEAD_BYTES) may be a
    template: it names the template format version, has a top-level
    ``Resources:`` (YAML) or a ``"Resources": {`` beside a resource type
    (JSON, often on one line), or a top-level section of a template beside
    a resource type (a template whose Resources start past the head).
    A UTF-16 file is looked at as text, so that loading it gives the
    clear problem rather than a silent skip."""
    if isinstance(head, bytes):
        head = _head_text(head)
    if _VERSION in head or _YAML_RESOURCES.search(head):
        return True
    if not _RESOURCE_TYPE.search(head):
        return False
    return bool(_JSON_RESOURCES.search(head) or _YAML_SECTION.search(head))


def is_template(data: Any) -> bool:
    """Whether loaded data is a CloudFormation template: a ``Resources``
    mapping, not empty, of mappings that each have a string ``Type``, at
    least one an AWS (or custom, or Alexa) resource type. Third-party and
    module types (``Org::Service::Thing``) may sit beside them."""
    if type(data) is not dict:
        return False
    resources = data.get("Resources")
    if type(resources) is not dict or not resources:
        return False
    ours = False
    for resource in resources.values():
        if type(resource) is not dict:
            return False
        kind = resource.get("Type")
        if type(kind) is not str:
            return False
        ours = ours or kind.startswith(RESOURCE_TYPE_PREFIXES)
    return ours


def decode_template(data: bytes) -> str:
    """A template file's text: UTF-8, a byte-order mark dropped. UTF-16 and
    UTF-32 (which CloudFormation does not read), binary data and other
    encodings are a TemplateError, with the line of the first bad byte."""
    if data.startswith(_UTF16_BOMS) or _looks_utf16(data[:HEAD_BYTES]):
        raise TemplateError("the file is UTF-16 or UTF-32 encoded: CloudFormation reads UTF-8 (save it as UTF-8)", 1)
    if b"\x00" in data:
        line = data.count(b"\n", 0, data.index(b"\x00")) + 1
        raise TemplateError("a NUL byte: a binary file, not a template", line)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise TemplateError(
            f"not UTF-8 text (byte 0x{data[error.start]:02X}): CloudFormation reads UTF-8", line
        ) from None


def _looks_utf16(head: bytes) -> bool:
    """UTF-16 without a byte-order mark: ASCII text with a NUL byte
    beside every character."""
    sample = head[:200]
    return len(sample) >= 4 and (sample[1::2].count(0) > len(sample) // 4 or sample[0::2].count(0) > len(sample) // 4)


def _head_text(head: bytes) -> str:
    if head.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return head.decode("utf-32", "replace")
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return head.decode("utf-16", "replace")
    if _looks_utf16(head):
        return head.decode("utf-16-le" if head[1:2] == b"\x00" else "utf-16-be", "replace")
    return head.decode("utf-8", "replace")
