"""docs/rules/ is generated from the rule docstrings (ruff-style), never edited by hand.

    python -m ecs_guard.docs_gen docs/rules

writes one page per rule (EG602.md) and an index (README.md), and removes
pages of rules that no longer exist. tests/test_docs.py fails when the
committed pages differ from what this renders, so a rule's docs cannot
drift from its docstring. ``ecs-guard explain`` prints the same text.
"""

from __future__ import annotations

import sys
from pathlib import Path

from ecs_guard.rule import Rule, all_rules

GENERATED = "<!-- Generated from the rule's docstring by `python -m ecs_guard.docs_gen docs/rules`: do not edit. -->"
INDEX = "README.md"


def rule_page(rule: Rule) -> str:
    """One rule's file in docs/rules/."""
    return f"{GENERATED}\n\n{rule_markdown(rule)}"


def rule_markdown(rule: Rule) -> str:
    """One rule's documentation: title, a table of facts, then the docstring."""
    peers = "; ".join(f"{tool} {check}" for tool, check in rule.peers.items()) or "none"
    facts = [
        ("Severity", rule.severity.value),
        ("Enabled by default", "yes" if rule.enabled_by_default else "no (select it with `--select`)"),
        ("Closest peer checks", peers),
    ]
    table = "\n".join(f"| {name} | {_cell(value)} |" for name, value in facts)
    return f"# {rule.id} {rule.name}\n\n| | |\n|---|---|\n{table}\n\n{rule.doc}\n"


def index_page(rules: list[Rule]) -> str:
    rows = "\n".join(
        f"| [{r.id}]({r.id}.md) | {r.name} | {r.severity.value} | "
        f"{'yes' if r.enabled_by_default else 'no'} | {_cell(r.summary)} |"
        for r in rules
    )
    return (
        f"{GENERATED}\n\n# Rules\n\n| ID | Name | Severity | Enabled by default | What it does |\n"
        f"|---|---|---|---|---|\n{rows}\n"
    )


def pages(rules: list[Rule]) -> dict[str, str]:
    """Every file docs/rules/ should hold, by file name."""
    result = {f"{r.id}.md": rule_page(r) for r in rules}
    result[INDEX] = index_page(rules)
    return result


def write(directory: Path, rules: list[Rule]) -> list[str]:
    """Bring `directory` up to date; returns the names of files written or removed."""
    directory.mkdir(parents=True, exist_ok=True)
    wanted = pages(rules)
    changed = []
    for name, text in wanted.items():
        path = directory / name
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8", newline="\n")
            changed.append(name)
    for stale in stale_pages(directory, wanted):
        stale.unlink()
        changed.append(stale.name)
    return changed


def stale_pages(directory: Path, wanted: dict[str, str]) -> list[Path]:
    """Rule pages in `directory` for rules that no longer exist."""
    return sorted(p for p in directory.glob("EG*.md") if p.name not in wanted)


def _cell(text: str) -> str:
    """Text safe inside a Markdown table cell."""
    return text.replace("|", "\\|")


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m ecs_guard.docs_gen DIRECTORY", file=sys.stderr)
        return 2
    for name in write(Path(args[0]), all_rules()):
        print(f"updated {Path(args[0]) / name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
