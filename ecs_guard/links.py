"""Where a rule's documentation lives on the web, said once for every output that links to it.

SARIF ``helpUri``, the JSON report's ``docs_url``, GitHub annotations and
JUnit failures all point at the same page: the rule's file in docs/rules/
(generated from its docstring by ecs_guard.docs_gen), on the main branch of
the project's repository. A rule ID never changes meaning, so its page on
main is a stable address. The repository's address is the placeholder the
README and docs/pre-commit.md use until the project has its public home:
change DOCS_BASE_URL here and nowhere else.
"""

from __future__ import annotations

DOCS_BASE_URL = "https://github.com/ORG/ecs-guard/blob/main/docs/rules/"


def rule_docs_url(rule_id: str) -> str:
    """The web page of one rule's documentation: docs/rules/EG602.md in the repository."""
    return f"{DOCS_BASE_URL}{rule_id}.md"
