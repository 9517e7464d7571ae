"""Work linear in input size where lines are found and templates are read.

No clock: the text handed to the code under test counts the characters its
``count`` and ``find`` calls examine. Finding N lines in a text must
examine about the text once, not once per line (which made a 1 MB task
definition with 3,000 containers take seconds and a 10 MB one minutes).
benchmarks/bench_linear.py measures the time itself.
"""

from __future__ import annotations

import json

from ecs_guard.inputs.jsondocs.lines import JsonText
from ecs_guard.inputs.terraform.hcl.jsondoc import parse_document
from ecs_guard.inputs.terraform.hcl.templates import parse_template
from ecs_guard.inputs.terraform.hcl.values import Val


class CountingText(str):
    """A str that adds up the characters its count() and find() calls examine."""

    examined = 0

    def count(self, sub, start=None, end=None):  # type: ignore[override]
        start, end, _ = slice(start, end).indices(len(self))
        CountingText.examined += max(0, end - start)
        return str.count(self, sub, start, end)

    def find(self, sub, start=None, end=None):  # type: ignore[override]
        start, end, _ = slice(start, end).indices(len(self))
        found = str.find(self, sub, start, end)
        CountingText.examined += (found + len(sub) if found != -1 else end) - start
        return found


def examined(text: str, work) -> int:
    CountingText.examined = 0
    work(CountingText(text))
    return CountingText.examined


def test_the_lines_of_many_json_values_are_found_in_one_pass_over_the_text():
    containers = [{"name": f"c{i}", "image": "nginx:latest"} for i in range(3_000)]
    text = json.dumps({"containerDefinitions": containers}, indent=2)

    def lines(counting: str) -> None:
        document = JsonText("taskdef.json", counting)
        found = [document.line_of(("containerDefinitions", i, "image")) for i in range(3_000)]
        assert found[0] == 5 and found[-1] == 5 + 4 * 2_999  # 4 lines per container, each line right

    assert examined(text, lines) <= 2 * len(text)


def test_a_template_with_many_interpolations_is_read_in_one_pass():
    text = "".join(f"line {i}\n${{var.v{i}}}\n" for i in range(3_000))
    seen: list[tuple[str, int]] = []

    def parse(counting: str) -> None:
        parse_template(counting, 10, False, lambda expr, line: seen.append((expr, line)) or expr)

    assert examined(text, parse) <= 2 * len(text)
    assert seen[0] == ("var.v0", 11) and seen[-1] == ("var.v2999", 10 + 2 * 2_999 + 1)


def test_the_lines_of_a_json_document_in_a_file_are_found_in_one_pass():
    containers = [{"name": f"c{i}", "image": "nginx:latest"} for i in range(2_000)]
    text = json.dumps(containers, indent=2)

    def parse(counting: str) -> None:
        document = parse_document(Val(counting, "main.tf", 3, origin=("containers.json", 1)))
        assert document.value[0].line == 2 and document.value[-1].value["image"].line == 2 + 4 * 1_999 + 2

    assert examined(text, parse) <= 2 * len(text)
