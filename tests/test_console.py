"""The console report: grouped findings, a summary line, plain text off a terminal."""

from __future__ import annotations

import io
import re

from model_factory import make_container, make_task_definition
from sample_reports import CRASH_LINE, clean_report, sample_report

from ecs_guard.engine import run
from ecs_guard.location import Location
from ecs_guard.model import Inventory, Value
from ecs_guard.reporters import console
from ecs_guard.rule import all_rules, get_rule

ANSI = re.compile(r"\x1b\[[0-9;]*m")


class Terminal(io.StringIO):
    """A stream that says it is a terminal, as a user's shell is."""

    def isatty(self) -> bool:
        return True


def plain(report, verbose=False) -> str:
    stream = io.StringIO()
    console.render(report, stream, verbose=verbose)
    return stream.getvalue()


def test_findings_are_grouped_by_file_and_resource_with_line_severity_rule_and_container():
    text = plain(sample_report())
    assert "\x1b" not in text
    lines = text.splitlines()
    header = lines.index("web.json  family:web")
    assert lines[header + 1] == "  2  LOW      EG991  family 'web' is flagged"
    assert lines[header + 2] == "  7  HIGH     EG602  container 'web' runs privileged"  # named once


def test_the_container_is_named_when_the_message_does_not_name_it():
    from ecs_guard.engine import Report
    from ecs_guard.location import Location
    from ecs_guard.results import Finding, Severity
    from ecs_guard.rule import get_rule

    finding = Finding(
        "image 'nginx' runs whatever 'latest' points to",
        Location("web.json", 4),
        "web",
        Severity.HIGH,
        "EG201",
        "family:web",
    )
    text = plain(Report(findings=[finding], rules=[get_rule("EG201")]))
    assert "  4  HIGH     EG201  image 'nginx' runs whatever 'latest' points to  (container web)" in text.splitlines()


def test_summary_counts_every_kind_of_entry():
    last = plain(sample_report()).splitlines()[-1]
    assert last == (
        "2 findings (0 critical, 1 high, 0 medium, 1 low, 0 info); "
        "1 not evaluated (--verbose lists them); 1 rule error; 1 input not read, 1 not understood; "
        "1 file, 3 rules."
    )


def test_clean_report_says_so():
    assert plain(clean_report()).splitlines() == [
        "0 findings; 0 not evaluated; 0 rule errors; 0 inputs not read, 0 not understood; 1 file, 1 rule."
    ]


def test_rule_errors_and_unreadable_inputs_are_always_listed():
    text = plain(sample_report(), verbose=False)
    assert f"web.json:2  EG992  family:web: KeyError at sample_reports.py:{CRASH_LINE}" in text
    assert "boom" not in text  # an exception's message may quote input: never shown
    assert "broken.json:3: not valid JSON: Expecting value" in text
    assert "notes.json" not in text
    assert "known after apply" not in text


def test_verbose_lists_not_evaluated_with_reasons_and_inputs_not_understood():
    text = plain(sample_report(), verbose=True)
    assert "  web.json:14  EG602  family:web (container 'side'): known after apply" in text
    assert "  notes.json: not an input ecs-guard knows" in text
    assert "(--verbose lists them)" not in text


def test_findings_in_two_files_get_two_groups_in_path_order():
    def td(path, address):
        location = Location(path, 3, None, address)
        return make_task_definition(
            address=address,
            location=location,
            containers=(make_container(address=address, location=location, privileged=Value(True, location)),),
        )

    report = run(Inventory(task_definitions=[td("b.json", "family:b"), td("a.json", "family:a")]), [get_rule("EG602")])
    findings = plain(report).split("\nRule docs")[0]  # the findings, before the rules' links and the summary
    headers = [line for line in findings.splitlines() if line and not line.startswith(" ")]
    assert headers == ["a.json  family:a", "b.json  family:b"]


def test_a_terminal_gets_colour_and_the_same_text(monkeypatch):
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("TERM", raising=False)
    stream = Terminal()
    console.render(sample_report(), stream)
    coloured = stream.getvalue()
    assert "\x1b[" in coloured
    assert ANSI.sub("", coloured) == plain(sample_report())


def test_no_color_on_a_terminal_drops_colours(monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    stream = Terminal()
    console.render(sample_report(), stream)
    assert not re.search(r"\x1b\[[0-9;]*3[0-7]m", stream.getvalue())  # no foreground colour codes


def test_control_characters_from_input_cannot_reach_the_terminal():
    address = "family:evil\x1b[2J\n::error::forged"
    location = Location("web.json", 3, None, address)
    td = make_task_definition(
        address=address,
        location=location,
        containers=(make_container(address=address, location=location, privileged=Value(True, location)),),
    )
    text = plain(run(Inventory(task_definitions=[td]), [get_rule("EG602")]))
    assert "\x1b" not in text
    assert not any(line.startswith("::error::") for line in text.splitlines())


def test_ten_thousand_findings_all_render():
    """Every finding is rendered, on a terminal and plain (rendering time is
    measured by benchmarks/, never asserted here: machines are noisy)."""
    containers = tuple(make_container(name=f"c{i}", privileged=True) for i in range(100))
    tds = [make_task_definition(address=f"family:web{i}", containers=containers) for i in range(100)]
    report = run(Inventory(task_definitions=tds), [get_rule("EG602")])
    assert len(report.findings) == 10_000
    for stream in (io.StringIO(), Terminal()):
        console.render(report, stream)
        assert stream.getvalue().count("container 'c") == 10_000  # one per finding (the rule docs list EG602 too)


def test_rule_catalogue_in_plain_columns():
    stream = io.StringIO()
    console.render_rules(all_rules(), stream)
    lines = stream.getvalue().splitlines()
    assert lines[0].split() == ["ID", "Name", "Severity", "Default", "Summary"]
    assert [line.split()[0] for line in lines[1:]] == [r.id for r in all_rules()]
    eg202 = next(line for line in lines if line.startswith("EG202"))
    assert eg202.split()[1:4] == ["image-not-pinned-by-digest", "info", "off"]
    summary_column = lines[0].index("Summary")
    assert all(line[summary_column - 2 : summary_column] == "  " for line in lines)


def test_rule_catalogue_on_a_terminal_is_a_table():
    stream = Terminal()
    console.render_rules(all_rules(), stream)
    text = ANSI.sub("", stream.getvalue())
    assert "EG602" in text and "privileged-container" in text


def test_markdown_is_raw_off_a_terminal():
    stream = io.StringIO()
    console.render_markdown("# Title\n\nSome `code`.", stream)
    assert stream.getvalue() == "# Title\n\nSome `code`.\n"
