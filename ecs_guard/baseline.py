"""The baseline: the findings a project already has, so a scan reports only new ones.

``ecs-guard baseline`` writes the fingerprints (ecs_guard.fingerprint, the
same value as SARIF's partialFingerprints) of the findings a scan reports;
``ecs-guard scan --baseline FILE`` leaves out every finding whose
fingerprint is in it and counts them. Fingerprints hold no line, so moving
or re-indenting code does not turn old findings into new ones; a fixed
finding simply stops matching, and a second finding like an old one gets
the next ``:n`` and is new.

Suppressed findings are not written: when a suppression is removed or its
ignore expires, the finding comes back instead of hiding in the baseline.

Paths in a baseline are relative to the baseline file's own folder, so the
same file works from any directory (``cd infra && ecs-guard scan .
--baseline ../.ecs-guard-baseline.json``). Baselines written before that
held paths relative to wherever `ecs-guard baseline` ran; a finding also
matches when its fingerprint, with paths relative to the working directory
or to the repository root (the folder holding .git above the baseline),
is in the file, so those keep working. A baseline none of whose entries
match is reported (``unmatched_warning``): paths that no longer line up
would otherwise bring back every old finding without a word.

The file is JSON, sorted, one entry per finding, so it diffs well in review::

    {"schema_version": 1, "tool": {"name": "ecs-guard", "version": "0.1.0"},
     "findings": [{"fingerprint": "5f1c...:1", "rule_id": "EG201",
                   "resource": "family:web", "file": "taskdef.json"}]}
"""

from __future__ import annotations

import json
import os
import tempfile

from ecs_guard import __version__
from ecs_guard.fingerprint import fingerprints_by_identity, relative_path
from ecs_guard.results import Finding

SCHEMA_VERSION = 1
DEFAULT_FILE = ".ecs-guard-baseline.json"


class BaselineError(Exception):
    """The baseline file cannot be read or is not one: one line naming the file."""


def baseline_document(report, root: str | None = None) -> dict:
    """The baseline of a report: its reported findings' fingerprints, with
    paths relative to `root` (the baseline's folder; None: the working directory)."""
    prints = fingerprints_by_identity(report.all_findings, root)
    entries = [
        {
            "fingerprint": prints[id(f)],
            "rule_id": f.rule_id,
            "resource": f.resource,
            "file": f.location.path if root is None else relative_path(f.location.path, root),
        }
        for f in report.findings
    ]
    entries.sort(key=lambda e: (e["file"], e["resource"], e["rule_id"], e["fingerprint"]))
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "ecs-guard", "version": __version__},
        "findings": entries,
    }


def write_baseline(report, path: str) -> int:
    """Write the baseline atomically (a failed write leaves the old file
    whole); returns the number of findings written. OSError on failure."""
    folder = os.path.dirname(os.path.abspath(path))
    document = baseline_document(report, folder)
    text = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    handle, temporary = tempfile.mkstemp(prefix=".ecs-guard-baseline-", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
        os.chmod(temporary, _file_mode(path))
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise
    return len(document["findings"])


def _file_mode(path: str) -> int:
    """The mode the file has, or a new file's (mkstemp's 0600 would hide it from a CI user)."""
    try:
        return os.stat(path).st_mode & 0o777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def read_baseline(path: str) -> set[str]:
    """The fingerprints in a baseline file."""
    try:
        with open(path, encoding="utf-8") as stream:
            document = json.load(stream)
    except FileNotFoundError:
        raise BaselineError(f"baseline {path}: no such file (`ecs-guard baseline` writes one)") from None
    except OSError as error:
        raise BaselineError(f"baseline {path}: cannot read: {error.strerror or error}") from None
    except (ValueError, UnicodeDecodeError) as error:
        raise BaselineError(f"baseline {path}: not valid JSON: {error}") from None
    if not isinstance(document, dict) or not isinstance(document.get("findings"), list):
        raise BaselineError(f"baseline {path}: not an ecs-guard baseline (no findings list)")
    if document.get("schema_version") != SCHEMA_VERSION:
        raise BaselineError(
            f"baseline {path}: schema_version {document.get('schema_version')!r} "
            f"is not {SCHEMA_VERSION}; write it again with `ecs-guard baseline`"
        )
    fingerprints = set()
    for index, entry in enumerate(document["findings"]):
        fingerprint = entry.get("fingerprint") if isinstance(entry, dict) else None
        if not isinstance(fingerprint, str) or not fingerprint:
            raise BaselineError(f"baseline {path}: findings[{index}] has no fingerprint")
        fingerprints.add(fingerprint)
    return fingerprints


def apply_baseline(report, fingerprints: set[str], path: str) -> int:
    """Move the reported findings that are in the baseline to ``report.baselined``;
    returns how many matched. A finding matches with its paths relative to
    the baseline's folder (how baselines are written), to the working
    directory or to the repository root (how older ones were)."""
    roots = dict.fromkeys([os.path.dirname(os.path.abspath(path)), None, _repository_root(path)])
    matching = [fingerprints_by_identity(report.all_findings, root) for root in roots if root != ""]
    kept: list[Finding] = []
    for finding in report.findings:
        known = any(prints[id(finding)] in fingerprints for prints in matching)
        (report.baselined if known else kept).append(finding)
    report.findings[:] = kept
    report.baseline_file = path
    return len(report.baselined)


def unmatched_warning(report, fingerprints: set[str], path: str) -> str | None:
    """The warning for a baseline of which no entry matched a finding of this scan."""
    if not fingerprints or report.baselined:
        return None
    entries = f"{len(fingerprints)} entr{'y' if len(fingerprints) == 1 else 'ies'}"
    return (
        f"none of the {entries} of baseline {path} matched a finding of this scan: unless they were "
        "all fixed, the baseline does not line up with these files (are they the ones it was written for?)"
    )


def _repository_root(path: str) -> str:
    """The folder holding .git at or above the baseline's folder; "" when there is none."""
    folder = os.path.dirname(os.path.abspath(path))
    while True:
        if os.path.exists(os.path.join(folder, ".git")):
            return folder
        parent = os.path.dirname(folder)
        if parent == folder:
            return ""
        folder = parent
