"""What identifies a finding across commits: one recipe, shared by SARIF and the baseline.

GitHub matches alerts across uploads by SARIF ``partialFingerprints`` and
``ecs-guard scan --baseline`` matches findings against a saved baseline; both
use this value, so an alert and a baseline entry never disagree about which
finding is "the same". It is built from what identifies a finding and never
from where it stands (no line, no column), so an edit above a finding or a
re-indented file changes nothing.

The recipe (docs/sarif.md): sha256 of rule, file, resource, container and
the message with digits removed (a message may quote a line, a count or a
statement number), then ``:n`` for the n-th finding with the same hash in
document order, like GitHub's own primaryLocationLineHash. Secrets never
reach a message (rules redact them), so never a fingerprint.

The ``:n`` depends on which findings are counted together, so a scan's
fingerprints are always computed over every finding it made: reported,
suppressed and in the baseline alike (``Report.all_findings``). Suppressing
one finding must not renumber its twins.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterable, Iterator
from pathlib import PurePath

from ecs_guard.engine import document_order
from ecs_guard.results import Finding

_DIGITS = re.compile(r"\d+")


def fingerprinted(findings: Iterable[Finding], root: str | None = None) -> list[tuple[Finding, str]]:
    """Each finding with its fingerprint, in document order (file, line,
    rule, resource, container, then message so that the order, and with it
    ``:n``, does not depend on the order the findings were given in).
    `root`: hash file paths relative to this folder instead of the working
    directory (a baseline's own folder, so it matches from any directory)."""
    return list(_fingerprints(findings, root))


def fingerprints_by_identity(findings: Iterable[Finding], root: str | None = None) -> dict[int, str]:
    """``{id(finding): fingerprint}``: findings are compared by identity, since
    two findings may be equal in every field and still be two findings
    (``:1`` and ``:2``). Valid only while the findings are alive."""
    return {id(f): fingerprint for f, fingerprint in _fingerprints(findings, root)}


def _fingerprints(findings: Iterable[Finding], root: str | None) -> Iterator[tuple[Finding, str]]:
    seen: dict[str, int] = {}
    rebased: dict[str, str] = {}
    message_keys: dict[str, str] = {}  # a large estate repeats a few hundred messages 10,000s of times
    sha256 = hashlib.sha256
    for f in sorted(findings, key=lambda f: (*document_order(f), f.message)):
        path = f.location.path
        if root is not None:
            if path not in rebased:
                rebased[path] = relative_path(path, root)
            path = rebased[path]
        message_key = message_keys.get(f.message)
        if message_key is None:
            message_key = message_keys[f.message] = _message_key(f.message)
        identity = "|".join((f.rule_id, path, f.resource, f.container or "", message_key))
        digest = sha256(identity.encode("utf-8")).hexdigest()
        count = seen[digest] = seen.get(digest, 0) + 1
        yield f, f"{digest}:{count}"


def relative_path(path: str, root: str) -> str:
    """A report path (relative to the working directory, or absolute) as seen from `root`, with '/'."""
    try:
        return PurePath(os.path.relpath(os.path.abspath(path), os.path.abspath(root))).as_posix()
    except ValueError:  # another drive on Windows
        return PurePath(os.path.abspath(path)).as_posix()


def _message_key(message: str) -> str:
    """The message as the fingerprint sees it: no digits, whitespace collapsed."""
    return " ".join(_DIGITS.sub("", message).split())
