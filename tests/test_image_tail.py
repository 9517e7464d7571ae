"""EG201 v1.2: the tag of an image reference is judged from its known end
when its beginning (the registry, a repository URL) is not known."""

from __future__ import annotations

import pytest

from ecs_guard.inputs.terraform.hcl.evaluate import evaluate
from ecs_guard.inputs.terraform.hcl.parse import parse_expression
from ecs_guard.inputs.terraform.hcl.scope import Scope
from ecs_guard.inputs.terraform.hcl.values import Val
from ecs_guard.rules._image import tail_is_latest


@pytest.mark.parametrize(
    ("tail", "latest"),
    [
        (":latest", True),
        ("/web", True),  # the whole last path segment is known: no tag
        ("/web:latest", True),
        (":5000/web", True),  # a registry port, then a repository without a tag
        (":1.4.2", False),
        ("/web:1.4.2", False),
        ("@sha256:0123", False),  # a digest pins it
        (":latest@sha256:0123", False),
        ("-web", None),  # the unknown part may hold a tag
        ("latest", None),
        (":", None),
    ],
)
def test_the_known_end_of_an_image_reference_tells_whether_it_runs_latest(tail, latest):
    assert tail_is_latest(tail) is latest


class _NoNames:
    """A context where every reference is unknown, as a resource attribute is until apply."""

    def reference(self, root, steps, scope, node):
        return Val.unknown(f"{root}: known after apply", scope.file, node.line), len(steps)


def _template(text: str) -> Val:
    return evaluate(parse_expression(text, 1), Scope(_NoNames(), "main.tf"))


def test_a_template_not_known_as_a_whole_keeps_its_known_end():
    assert _template('"${aws_ecr_repository.app.repository_url}:latest"').known_tail() == ":latest"
    assert _template('"${var.repo}:${var.tag}"').known_tail() is None
    assert _template('"${var.registry}/team/${var.name}:v${var.version}-web"').known_tail() == "-web"
    assert _template('"fixed:1.0"').known_tail() is None  # known: nothing to keep
    marker = _template('"${aws_ecr_repository.app.repository_url}:latest"').to_python()
    assert marker.tail == ":latest"
