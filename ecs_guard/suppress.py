"""Suppressions: findings someone accepted, with the reason, still shown as such.

Two sources, applied to a Report after the run:

- inline comments in the scanned files (SARIF kind ``inSource``)::

      resource "aws_ecs_service" "web" {  # ecs-guard:ignore EG101 public by design
      # ecs-guard:ignore EG201,EG202 base image pinned by the build
      image = "nginx:latest"              // ecs-guard:ignore EG2 -- also fine

  A trailing comment applies to its own line, a comment alone on its line
  to the next line that is not a comment. On a resource's first line (or
  above it) it covers every finding of those rules in that resource; on
  any other line, the findings located on that line. Codes are IDs or
  prefixes (EG2). Templates' resource ``Metadata`` entries
  (inputs/cloudformation/metadata.py) arrive with the inventory as Comments
  on the resource's line, and are applied alike;
- ``ignores`` in the config file (kind ``external``): rule, path glob and
  resource glob, with a reason and an optional expiry date. A module's
  finding reached through a Terraform root (``envs/staging``) also matches
  a path glob of that root (``envs/staging/**``).

A suppressed finding moves from ``report.findings`` to ``report.suppressed``
with its Suppression: every format still shows it, none counts it toward
the exit code. What needs attention but is not a finding becomes a Notice:
an expired ignore (no longer applied), a comment without a reason (still
applied), a comment naming a rule that does not exist.

Only the files that findings point at are read, and only text: never JSON
(a Terraform plan may be hundreds of megabytes on one line, and JSON has
no comments). Messages quote no line of input, so a secret on a suppressed
line never reaches the output.
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import PurePath
from typing import TYPE_CHECKING

from ecs_guard.results import Finding

if TYPE_CHECKING:
    import datetime

IN_SOURCE = "inSource"
EXTERNAL = "external"
MAX_TEXT_BYTES = 5 * 1024 * 1024  # a .tf file is far smaller; anything larger is no source file

_COMMENT = re.compile(r"(?:#|//)\s*ecs-guard:ignore(?![\w-])(?P<rest>.*)$", re.IGNORECASE)
_CODES = re.compile(r"\s*:?\s*(?P<codes>EG\d+(?:\s*,\s*EG\d+)*)(?![\w-])", re.IGNORECASE)
_COMMENT_LINE = re.compile(r"\s*(?:#|//)")


@dataclass(frozen=True)
class Suppression:
    """Why a finding is not reported: ``kind`` is ``inSource`` (a comment;
    `path`/`line` say where) or ``external`` (the config file; `line` None)."""

    kind: str
    justification: str
    path: str
    line: int | None = None


@dataclass(frozen=True)
class Suppressed:
    """A finding and what suppressed it."""

    finding: Finding
    suppression: Suppression


@dataclass(frozen=True)
class Notice:
    """Something about suppressions that needs attention; never changes the exit code.
    ``kind``: expired-ignore, suppression-without-reason, unknown-rule-in-suppression."""

    kind: str
    message: str
    path: str
    line: int | None = None

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class Comment:
    """One ``ecs-guard:ignore`` comment: where it is, the line it applies to, what it says."""

    path: str
    line: int
    target: int
    codes: tuple[str, ...]
    reason: str

    def covers(self, rule_id: str) -> bool:
        return any(rule_id.startswith(code) for code in self.codes)


def apply_suppressions(report, config, today: datetime.date | None = None) -> None:
    """Move the findings that an inline comment or a config ignore covers to
    ``report.suppressed``, and add the notices both sources call for."""
    ignores = []
    if config.ignores:
        if today is None:
            import datetime  # here: most scans have no config ignore, and no config file to import it

            today = datetime.date.today()
        for ignore in config.ignores:
            if ignore.expired(today):
                report.notices.append(
                    Notice(
                        "expired-ignore",
                        f"{config.file or 'config'}: {ignore.key} ({ignore.describe()}) expired on "
                        f"{ignore.expires.isoformat()} and no longer applies",
                        config.file or "",
                        None,
                    )
                )
            else:
                ignores.append(ignore)
    comments = read_comments(_files_to_read(report))
    if report.inventory is not None:  # written in the input itself, not as a comment (template Metadata)
        comments.extend(report.inventory.suppressions)
    report.notices.extend(comment_notices(comments, _known_rule_ids(report)))
    by_line: dict[tuple[str, int], list[Comment]] = {}
    for comment in comments:
        by_line.setdefault((comment.path, comment.target), []).append(comment)

    kept = []
    for finding in report.findings:
        # Without comments (JSON inputs never have any) no line needs finding.
        suppression = _inline(finding, by_line) if by_line else None
        if suppression is None:
            suppression = _configured(finding, ignores, config.directory, config.file or "")
        if suppression is None:
            kept.append(finding)
        else:
            report.suppressed.append(Suppressed(finding, suppression))
    report.findings[:] = kept


# ----------------------------------------------------------------- inline comments


def read_comments(paths: Iterable[str]) -> list[Comment]:
    """The suppression comments of these files, skipping any that is not a text source file."""
    comments = []
    for path in sorted(set(paths)):
        text = _source_text(path)
        if text is not None and "ecs-guard:ignore" in text.lower():
            comments.extend(parse_comments(path, text))
    return comments


def parse_comments(path: str, text: str) -> list[Comment]:
    lines = text.splitlines()
    comments = []
    for index, line in enumerate(lines):
        match = _COMMENT.search(line)
        if match is None:
            continue
        number = index + 1
        alone = not line[: match.start()].strip()
        target = _next_code_line(lines, index) if alone else number
        codes_match = _CODES.match(match.group("rest"))
        if codes_match is None:
            comments.append(Comment(path, number, target, (), match.group("rest").strip()))
            continue
        codes = tuple(code.strip().upper() for code in codes_match.group("codes").split(","))
        reason = match.group("rest")[codes_match.end() :].strip().lstrip("-:\u2013\u2014 ").strip()
        comments.append(Comment(path, number, target, codes, reason))
    return comments


def comment_notices(comments: list[Comment], known_rule_ids: set[str]) -> list[Notice]:
    notices = []
    for c in comments:
        where = f"{c.path}:{c.line}"
        if not c.codes:
            notices.append(
                Notice(
                    "unknown-rule-in-suppression",
                    f"suppression at {where} names no rule ID (ecs-guard:ignore EG201 reason)",
                    c.path,
                    c.line,
                )
            )
            continue
        for code in c.codes:
            if not any(rule_id.startswith(code) for rule_id in known_rule_ids):
                notices.append(
                    Notice(
                        "unknown-rule-in-suppression",
                        f"suppression at {where} names unknown rule {code}",
                        c.path,
                        c.line,
                    )
                )
        if not c.reason:
            notices.append(
                Notice(
                    "suppression-without-reason",
                    f"suppression of {', '.join(c.codes)} at {where} has no reason",
                    c.path,
                    c.line,
                )
            )
    return notices


def _next_code_line(lines: list[str], index: int) -> int:
    """The 1-based number of the first line after `index` that is not a comment."""
    following = index + 1
    while following < len(lines) and _COMMENT_LINE.match(lines[following]):
        following += 1
    return following + 1


def _source_text(path: str) -> str | None:
    """A file's text, or None for what cannot hold a suppression comment:
    JSON, binary, too large, unreadable."""
    if path.lower().endswith(".json"):
        return None
    try:
        if os.path.getsize(path) > MAX_TEXT_BYTES:
            return None
        with open(path, "rb") as stream:
            data = stream.read()
    except OSError:
        return None
    if b"\0" in data or data.lstrip()[:1] in (b"{", b"["):
        return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None


def _files_to_read(report) -> set[str]:
    return {place.path for f in report.findings for place in _places(f)}


def _places(finding: Finding) -> list:
    """Where a finding is, in order: its own location, where the value it is
    about is used (related locations: a literal written in a root and used
    in a module), and its resource's first line."""
    places = [finding.location, *getattr(finding.location, "related", ())]
    if finding.resource_location is not None:
        places.append(finding.resource_location)
    return places


def _known_rule_ids(report) -> set[str]:
    from ecs_guard.rule import all_rules

    return {r.id for r in all_rules()} | {r.id for r in report.rules}


def _inline(finding: Finding, by_line: dict[tuple[str, int], list[Comment]]) -> Suppression | None:
    """The comment on the finding's line, else on a line where its value is
    used (so a suppression written in a module applies to every caller), else
    on its resource's first line."""
    for place in _places(finding):
        for comment in by_line.get((place.path, place.line), ()):
            if comment.covers(finding.rule_id):
                return Suppression(IN_SOURCE, comment.reason, comment.path, comment.line)
    return None


# ----------------------------------------------------------------- config ignores


def _configured(finding: Finding, ignores: list, directory: str, config_file: str) -> Suppression | None:
    if not ignores:
        return None
    paths = _paths(finding, directory)
    addresses = _addresses(finding)
    for ignore in ignores:
        if (
            finding.rule_id.startswith(ignore.rule)
            and (ignore.path is None or any(path_glob(ignore.path).match(path) for path in paths))
            and (ignore.resource is None or any(resource_glob(ignore.resource).match(a) for a in addresses))
        ):
            return Suppression(EXTERNAL, ignore.reason, config_file, None)
    return None


def _paths(finding: Finding, directory: str) -> list[str]:
    """The paths a `path` glob is matched against: the finding's file, the
    files where its value is used and its resource is written and, for a
    module resource named with the root it was reached through
    (model.Resource.root), the module files as seen through that root:
    ``envs/staging/modules/app/main.tf`` for ``modules/app/main.tf`` reached
    through ``envs/staging``, so that ``envs/staging/**`` matches it."""
    paths = list(dict.fromkeys(_relative_to(place.path, directory) for place in _places(finding)))
    if not finding.root:
        return paths
    root = _relative_to(finding.root, directory)
    return paths + [f"{root}/{path}" for path in paths if not path.startswith(root + "/")]


def _addresses(finding: Finding) -> list[str]:
    """The addresses a `resource` glob is matched against: the finding's
    (with its root, ``envs/prod: module.app.aws_ecs_service.this``) and, for a
    resource named with its root, the address as written in the module, so an
    ignore written before roots were part of the name still applies."""
    prefix = f"{finding.root}: "  # ecs_guard.inputs.terraform.root_identity.ROOT_SEPARATOR
    if finding.root and finding.resource.startswith(prefix):
        return [finding.resource, finding.resource[len(prefix) :]]
    return [finding.resource]


def _relative_to(path: str, directory: str) -> str:
    """A finding's path (relative to the working directory) as seen from the config file's folder."""
    absolute = os.path.abspath(path)
    try:
        return PurePath(os.path.relpath(absolute, directory)).as_posix()
    except ValueError:  # another drive on Windows
        return PurePath(absolute).as_posix()


@functools.cache
def path_glob(glob: str) -> re.Pattern:
    """A path glob as a regex: ``*`` and ``?`` stay within a folder, ``**``
    crosses folders (``**/`` also matches no folder at all); nothing else is special."""
    glob = glob[2:] if glob.startswith("./") else glob
    parts, i = [], 0
    while i < len(glob):
        if glob.startswith("**/", i):
            parts.append("(?:.*/)?")
            i += 3
        elif glob.startswith("**", i):
            parts.append(".*")
            i += 2
        else:
            parts.append({"*": "[^/]*", "?": "[^/]"}.get(glob[i], re.escape(glob[i])))
            i += 1
    return re.compile("".join(parts) + r"\Z")


@functools.cache
def resource_glob(glob: str) -> re.Pattern:
    """A resource address glob: ``*`` is any text (addresses hold '/', '.',
    '[' and '"', all literal), ``?`` one character."""
    return re.compile("".join({"*": ".*", "?": "."}.get(c, re.escape(c)) for c in glob) + r"\Z")
