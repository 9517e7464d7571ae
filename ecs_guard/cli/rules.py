"""`ecs-guard rules` lists the catalogue; `ecs-guard explain` shows one rule's documentation."""

from __future__ import annotations

import argparse
import sys

from ecs_guard.cli.common import EXIT_OK, UsageError, add_color_argument


def add_rules_arguments(parser: argparse.ArgumentParser) -> None:
    """`ecs-guard rules` takes only --color."""
    add_color_argument(parser)


def run_rules(args: argparse.Namespace) -> int:
    from ecs_guard.reporters.console import render_rules
    from ecs_guard.rule import all_rules

    render_rules(all_rules(), sys.stdout)
    return EXIT_OK


def add_explain_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("rule_id", metavar="RULE", help="a rule ID or name, e.g. EG602 or privileged-container")
    add_color_argument(parser)


def run_explain(args: argparse.Namespace) -> int:
    """The rule's documentation: rendered on a terminal, Markdown when piped (or --color never)."""
    from ecs_guard.docs_gen import rule_markdown
    from ecs_guard.reporters.console import render_markdown

    rule = find_rule(args.rule_id)
    render_markdown(rule_markdown(rule), sys.stdout)
    return EXIT_OK


def find_rule(wanted: str):
    """A rule by ID (EG602, eg602) or by name (privileged-container, Privileged_Container)."""
    from ecs_guard.rule import all_rules, get_rule

    rule = get_rule(wanted.strip())
    if rule is not None:
        return rule
    name = wanted.strip().lower().replace("_", "-")
    for candidate in all_rules():
        if candidate.name == name:
            return candidate
    close = [r for r in all_rules() if name and (name in r.name or r.name in name)]
    hint = f" (did you mean {', '.join(f'{r.id} {r.name}' for r in close[:3])}?)" if close else ""
    raise UsageError(f"unknown rule: {wanted}{hint} (`ecs-guard rules` lists them)")
