"""`ecs-guard rules` lists the catalogue; `ecs-guard explain` shows one rule's documentation."""

from __future__ import annotations

import argparse
import sys

from ecs_guard.cli.common import EXIT_OK, UsageError


def add_rules_arguments(parser: argparse.ArgumentParser) -> None:
    """`ecs-guard rules` takes no arguments."""


def run_rules(args: argparse.Namespace) -> int:
    from ecs_guard.reporters.console import render_rules
    from ecs_guard.rule import all_rules

    render_rules(all_rules(), sys.stdout)
    return EXIT_OK


def add_explain_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("rule_id", metavar="RULE", help="a rule ID, e.g. EG602")


def run_explain(args: argparse.Namespace) -> int:
    from ecs_guard.docs_gen import rule_markdown
    from ecs_guard.reporters.console import render_markdown
    from ecs_guard.rule import get_rule

    rule = get_rule(args.rule_id)
    if rule is None:
        raise UsageError(f"unknown rule: {args.rule_id} (`ecs-guard rules` lists them)")
    render_markdown(rule_markdown(rule), sys.stdout)
    return EXIT_OK
