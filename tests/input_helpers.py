"""Helpers for the input adapter tests: where a piece of text is in a
fixture (found by plain text search, independently of the JSON walk the
adapters use), and fixture folders by name."""

from __future__ import annotations

import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SNAPSHOTS = ROOT / "fixtures" / "snapshots"
TASKDEFS = ROOT / "fixtures" / "taskdefs"


def line_of(path: str | Path, snippet: str, nth: int = 1) -> int:
    """The line of the nth occurrence of `snippet` in the file (1-based)."""
    text = Path(path).read_text()
    at = -1
    for _ in range(nth):
        at = text.index(snippet, at + 1)
    return text.count("\n", 0, at) + 1


def copy_fixture(name: str, into: Path, skip: tuple[str, ...] = ()) -> Path:
    """A copy of fixtures/snapshots/<name> under `into`, without the files named in `skip`."""
    target = into / name
    shutil.copytree(SNAPSHOTS / name, target, ignore=lambda _dir, names: [n for n in names if n in skip])
    return target


def repository_hcl() -> list[tuple[str, str]]:
    """(name, text) of every piece of HCL in the repository: its .tf and
    .tfvars files and the rule fixtures' `tf:` cases."""
    import yaml

    found = []
    for pattern in ("*.tf", "*.tfvars"):
        for path in sorted(ROOT.glob(f"**/{pattern}")):
            if ".git" not in path.parts:
                found.append((str(path.relative_to(ROOT)), path.read_text(encoding="utf-8")))
    for path in sorted((ROOT / "fixtures" / "rules").glob("*.yaml")):
        for number, case in enumerate(yaml.safe_load(path.read_text(encoding="utf-8"))["cases"]):
            if isinstance(case.get("tf"), str):
                found.append((f"{path.name}#{number}", case["tf"]))
    return found
