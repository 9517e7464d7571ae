"""Generated docs are up to date, and the hand-written docs agree with the code."""

from __future__ import annotations

import re
from pathlib import Path

from ecs_guard import docs_gen
from ecs_guard.cli import common as cli
from ecs_guard.reporters import json_report
from ecs_guard.rule import all_rules

DOCS = Path(__file__).resolve().parent.parent / "docs"
REGENERATE = "run `python -m ecs_guard.docs_gen`"


def test_docs_rules_match_the_rule_docstrings():
    wanted = docs_gen.pages(all_rules())
    for name, text in wanted.items():
        path = DOCS / "rules" / name
        assert path.is_file(), f"{path} missing: {REGENERATE}"
        assert path.read_text(encoding="utf-8") == text, f"{path} is out of date: {REGENERATE}"
    stale = docs_gen.stale_pages(DOCS / "rules", wanted)
    assert not stale, f"pages of rules that do not exist: {stale}: {REGENERATE}"


def test_rule_page_is_the_docstring_under_a_title_and_facts():
    rule = next(r for r in all_rules() if r.id == "EG602")
    page = docs_gen.rule_page(rule)
    assert page.startswith(docs_gen.GENERATED + "\n\n# EG602 privileged-container\n")
    assert "| Severity | high |" in page
    assert "| Enabled by default | yes |" in page
    assert "Security Hub ECS.4" in page
    assert page.endswith(rule.doc + "\n")


def test_index_links_every_rule():
    index = docs_gen.index_page(all_rules())
    for rule in all_rules():
        assert f"[{rule.id}]({rule.id}.md)" in index


def test_write_creates_updates_and_removes_pages(tmp_path):
    rules = all_rules()[:2]
    (tmp_path / "EG999.md").write_text("a rule that was removed")
    (tmp_path / f"{rules[0].id}.md").write_text("old text")
    changed = docs_gen.write(tmp_path, rules)
    assert sorted(changed) == sorted([f"{rules[0].id}.md", f"{rules[1].id}.md", "README.md", "EG999.md"])
    assert not (tmp_path / "EG999.md").exists()
    assert (tmp_path / f"{rules[0].id}.md").read_text() == docs_gen.rule_page(rules[0])
    assert docs_gen.write(tmp_path, rules) == []


def test_docs_gen_main_takes_at_most_one_directory(capsys):
    assert docs_gen.main(["a", "b"]) == 2
    assert "usage" in capsys.readouterr().err


def test_readme_rule_table_is_generated_from_the_rules():
    readme = (DOCS.parent / "README.md").read_text(encoding="utf-8")
    assert docs_gen.with_readme_table(readme, all_rules()) == readme, (
        f"README.md's rule table is out of date: {REGENERATE}"
    )
    for rule in all_rules():
        assert f"| [{rule.id}](docs/rules/{rule.id}.md) | {rule.name}" in readme
    assert "| [EG102](docs/rules/EG102.md) | non-awsvpc-network-mode | high / low |" in readme
    assert "| image-not-pinned-by-digest (off by default) | info |" in readme


def test_readme_table_markers_are_required():
    import pytest

    with pytest.raises(ValueError, match="markers"):
        docs_gen.with_readme_table("# no table here\n", all_rules())


def test_exit_codes_doc_lists_the_codes_the_cli_uses():
    text = (DOCS / "exit-codes.md").read_text()
    rows = dict(re.findall(r"^\| `(\d)` \| (\w+)", text, re.M))
    assert rows == {
        str(cli.EXIT_OK): "OK",
        str(cli.EXIT_FINDINGS): "FINDINGS",
        str(cli.EXIT_USAGE): "USAGE",
        str(cli.EXIT_INCOMPLETE): "INCOMPLETE",
    }


def test_json_output_doc_names_the_schema_version():
    text = (DOCS / "json-output.md").read_text()
    assert f'"schema_version": {json_report.SCHEMA_VERSION}' in text
