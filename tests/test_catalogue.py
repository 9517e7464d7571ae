"""The rule catalogue holds together: what RULES.md promises is what ships.

Adding a rule touches one module in rules/ and one YAML file in
fixtures/rules/; these tests enforce the rest.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fixture_cases import KINDS, RULE_FIXTURES, load_file

from ecs_guard.results import Severity
from ecs_guard.rule import DOC_SECTIONS, all_rules, section

ROOT = Path(__file__).resolve().parent.parent
RULES_DIR = ROOT / "rules"
CATALOGUE_FILE = ROOT / "docs" / "RULES.md"  # the rule catalogue, the spec the rules implement
OFF_BY_DEFAULT = "(off by default)"


def catalogue_rows() -> list[list[str]]:
    """The cells of every rule row of docs/RULES.md's tables: ID, name, fires when, severity, peers."""
    lines = CATALOGUE_FILE.read_text(encoding="utf-8").splitlines()
    return [[cell.strip() for cell in line.strip("|").split("|")] for line in lines if re.match(r"\| EG\d{3} \|", line)]


def catalogue() -> dict[str, tuple[str, tuple[Severity, ...]]]:
    """ID -> (name, severities; the first is the default)."""
    return {
        row[0]: (row[1], tuple(Severity(s.strip()) for s in row[3].replace(OFF_BY_DEFAULT, "").split("/")))
        for row in catalogue_rows()
    }


RULES = all_rules()


def test_the_catalogue_is_read_whole():
    rows = catalogue_rows()
    assert len(rows) >= 24 and all(len(row) == 5 for row in rows)


def test_every_catalogued_rule_ships_with_its_name_and_severities():
    shipped = {r.id: (r.name, (r.severity, *r.other_severities)) for r in RULES}
    assert shipped == catalogue()


def test_rules_the_catalogue_says_are_off_by_default_are_off():
    off = {row[0] for row in catalogue_rows() if OFF_BY_DEFAULT in row[3]}
    assert off, "the catalogue marks no rule off by default"
    assert {r.id for r in RULES if not r.enabled_by_default} == off


@pytest.mark.parametrize("rule", RULES, ids=[r.id for r in RULES])
def test_rule_module_is_named_after_its_id_and_name(rule):
    expected = f"ecs_guard.rules.{rule.id.lower()}_{rule.name.replace('-', '_')}"
    assert rule.module == expected
    assert (RULES_DIR / f"{expected.rsplit('.', 1)[1]}.py").is_file()


@pytest.mark.parametrize("rule", RULES, ids=[r.id for r in RULES])
def test_rule_docstring_has_every_section(rule):
    for title in DOC_SECTIONS:
        assert section(rule.doc, title), f"{rule.id} docstring lacks '## {title}'"
    assert re.search(r"https://", section(rule.doc, "References")), f"{rule.id} cites no reference"


def test_each_rule_module_registers_exactly_one_rule():
    modules = sorted(p.stem for p in RULES_DIR.glob("eg*.py"))
    assert modules == sorted(r.module.rsplit(".", 1)[1] for r in RULES)


@pytest.mark.parametrize("rule", RULES, ids=[r.id for r in RULES])
def test_rule_has_failing_and_passing_cases_in_every_input_kind(rule):
    path = RULE_FIXTURES / f"{rule.id}.yaml"
    assert path.is_file(), f"{path} missing"
    data, cases = load_file(path)
    assert data["rule"] == rule.id
    names = [c.name for c in cases]
    assert len(names) == len(set(names)), "case names must be unique"
    not_applicable = data.get("not_applicable") or {}
    assert set(not_applicable) <= set(KINDS)
    for kind in KINDS:
        if kind in not_applicable:
            assert not [c for c in cases if c.kind == kind and c.expect], f"{kind} is marked not applicable"
            continue
        of_kind = [c for c in cases if c.kind == kind]
        assert any(c.expect for c in of_kind), f"{rule.id}: no failing {kind} case"
        assert any(not c.expect and not c.not_evaluated for c in of_kind), f"{rule.id}: no passing {kind} case"


@pytest.mark.parametrize("rule", RULES, ids=[r.id for r in RULES])
def test_plan_cases_have_their_committed_plan(rule):
    _, cases = load_file(RULE_FIXTURES / f"{rule.id}.yaml")
    for case in cases:
        if case.kind == "plan":
            assert case.tf, f"{case.id} has no tf source"
            assert case.plan_path.is_file(), f"{case.plan_path} missing: run python tools/make_plans.py {rule.id}"


@pytest.mark.parametrize("rule", RULES, ids=[r.id for r in RULES])
def test_hcl_cases_are_terraform_source_with_exact_lines(rule):
    _, cases = load_file(RULE_FIXTURES / f"{rule.id}.yaml")
    hcl = [case for case in cases if case.kind == "hcl"]
    assert hcl, f"{rule.id} has no hcl case"
    for case in hcl:
        assert case.tf, f"{case.id} has no tf source (it is written as main.tf)"
        for expected in case.expect:
            assert isinstance(expected.get("line"), int) and expected["line"] > 0, f"{case.id}: {expected} has no line"
