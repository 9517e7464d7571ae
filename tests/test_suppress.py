"""Suppressions: inline comments and config ignores, applied to Reports made
by the engine from model_factory inventories whose Locations point at .tf
files written here (as the HCL adapter's will: a resource's location is its
block, first line to last line)."""

from __future__ import annotations

import datetime
import io
import json
import textwrap
from pathlib import Path

import jsonschema
import pytest
from model_factory import make_container, make_env, make_task_definition
from sample_reports import make_rule

from ecs_guard.cli import common
from ecs_guard.config import Config, Ignore
from ecs_guard.engine import run
from ecs_guard.location import Location
from ecs_guard.model import Inventory, Value
from ecs_guard.reporters import FORMATS, console, json_report, renderer, sarif
from ecs_guard.results import Severity
from ecs_guard.rule import get_rule
from ecs_guard.suppress import EXTERNAL, IN_SOURCE, apply_suppressions, parse_comments, path_glob, resource_glob

TESTS = Path(__file__).resolve().parent
SARIF_SCHEMA = TESTS / "data" / "sarif-schema-2.1.0.json"
REPORT_SCHEMA = TESTS.parent / "ecs_guard" / "schemas" / "report.schema.json"
TODAY = datetime.date(2026, 6, 1)
ADDRESS = "aws_ecs_task_definition.web"

# Lines:  1 comment above the resource, 2 resource, 3 family, 5 container name,
# 6 image (trailing comment), 7 privileged, 8 user.
MAIN_TF = """\
# ecs-guard:ignore EG991 the family name is reviewed
resource "aws_ecs_task_definition" "web" {
  family = "web"
  container_definitions = jsonencode([{
    name       = "web"
    image      = "nginx:latest" # ecs-guard:ignore EG201 rebuilt nightly from a pinned base
    privileged = true
    user       = "root"
  }])
}
"""


def _flag_family_and_resource(td):
    yield td.family.finding("family is flagged")
    yield td.finding("resource is flagged")


FLAG_TWICE = make_rule("EG991", _flag_family_and_resource, Severity.LOW, "flag-twice")


def web(path: str = "main.tf", address: str = ADDRESS, first: int = 2, last: int = 10):
    """The task definition of MAIN_TF, with the lines above."""

    def at(line: int) -> Location:
        return Location(path, line, None, address)

    container = make_container(
        address=address,
        location=at(5),
        name=Value("web", at(5)),
        image=Value("nginx:latest", at(6)),
        privileged=Value(True, at(7)),
        user=Value("root", at(8)),
    )
    return make_task_definition(
        address=address,
        location=Location(path, first, last, address),
        family=Value("web", at(3)),
        containers=(container,),
    )


RULES = [get_rule("EG201"), get_rule("EG601"), get_rule("EG602"), FLAG_TWICE]


def scanned(*task_definitions, rules=RULES):
    return run(Inventory(task_definitions=list(task_definitions)), rules)


def ids(findings) -> list[tuple[str, int]]:
    return sorted((f.rule_id, f.location.line) for f in findings)


@pytest.fixture
def project(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "main.tf").write_text(MAIN_TF)
    return tmp_path


# ----------------------------------------------------------------- reading comments


def test_a_trailing_comment_applies_to_its_own_line_a_lone_one_to_the_next():
    comments = parse_comments("main.tf", MAIN_TF)
    assert [(c.line, c.target, c.codes, c.reason) for c in comments] == [
        (1, 2, ("EG991",), "the family name is reviewed"),
        (6, 6, ("EG201",), "rebuilt nightly from a pinned base"),
    ]


def test_stacked_comments_apply_to_the_first_line_that_is_not_a_comment():
    text = textwrap.dedent("""\
        # ecs-guard:ignore EG201 one
        // ecs-guard:ignore EG202 two
        # an ordinary comment
        resource "x" "y" {
        """)
    assert [(c.line, c.target) for c in parse_comments("main.tf", text)] == [(1, 4), (2, 4)]


@pytest.mark.parametrize(
    "comment, codes, reason",
    [
        ("# ecs-guard:ignore EG201 rebuilt nightly", ("EG201",), "rebuilt nightly"),
        ("// ecs-guard:ignore EG201,EG202 pinned by the build", ("EG201", "EG202"), "pinned by the build"),
        ("#ecs-guard:ignore eg201, eg202 -- pinned", ("EG201", "EG202"), "pinned"),
        ("# ecs-guard:ignore EG2: images are fine here", ("EG2",), "images are fine here"),
        ("# ECS-GUARD:IGNORE EG602 \u2014 needs the host", ("EG602",), "needs the host"),
        ("# ecs-guard:ignore EG201", ("EG201",), ""),
        ("# ecs-guard:ignore EG201   ", ("EG201",), ""),
        ("# ecs-guard:ignore because I say so", (), "because I say so"),
        ("# ecs-guard:ignore EG201x odd", (), "EG201x odd"),
    ],
)
def test_comment_syntax(comment, codes, reason):
    [parsed] = parse_comments("main.tf", f'image = "nginx:latest" {comment}\n')
    assert (parsed.codes, parsed.reason) == (codes, reason)


def test_text_that_only_looks_like_a_comment_is_not_one():
    text = 'source = "https://example.com/ecs-guard"\n# ecs-guard:ignored EG201 not our marker\n'
    assert parse_comments("main.tf", text) == []


# ----------------------------------------------------------------- inline suppressions


def test_a_comment_above_a_resource_covers_every_finding_of_that_rule_in_it(project):
    report = scanned(web())
    assert ids(report.findings) == [("EG201", 6), ("EG601", 8), ("EG602", 7), ("EG991", 2), ("EG991", 3)]
    apply_suppressions(report, Config(), TODAY)
    suppressed = {(s.finding.rule_id, s.finding.location.line): s.suppression for s in report.suppressed}
    assert set(suppressed) == {("EG201", 6), ("EG991", 2), ("EG991", 3)}
    assert suppressed[("EG991", 3)].kind == IN_SOURCE
    assert suppressed[("EG991", 3)].justification == "the family name is reviewed"
    assert (suppressed[("EG991", 3)].path, suppressed[("EG991", 3)].line) == ("main.tf", 1)
    assert suppressed[("EG201", 6)].justification == "rebuilt nightly from a pinned base"
    assert ids(report.findings) == [("EG601", 8), ("EG602", 7)]
    assert report.notices == []


def test_a_trailing_comment_on_the_resource_line_covers_the_resource(project):
    (project / "main.tf").write_text(
        MAIN_TF.replace(
            'resource "aws_ecs_task_definition" "web" {',
            'resource "aws_ecs_task_definition" "web" { # ecs-guard:ignore EG6 hardened by the platform team',
        )
    )
    report = scanned(web())
    apply_suppressions(report, Config(), TODAY)
    assert report.findings == []
    assert {s.finding.rule_id for s in report.suppressed} == {"EG201", "EG601", "EG602", "EG991"}


def test_a_comment_on_an_attribute_line_covers_only_findings_on_that_line(project):
    (project / "main.tf").write_text(
        MAIN_TF.replace(
            "privileged = true", "privileged = true # ecs-guard:ignore EG602,EG601 needs the host's devices"
        )
    )
    report = scanned(web())
    apply_suppressions(report, Config(), TODAY)
    assert ("EG602", 7) not in ids(report.findings)
    assert ("EG601", 8) in ids(report.findings)  # EG601 is named, but its finding is on another line


def test_a_comment_covers_only_the_rules_it_names(project):
    (project / "main.tf").write_text(MAIN_TF.replace("EG201 rebuilt", "EG202 rebuilt"))
    report = scanned(web())
    apply_suppressions(report, Config(), TODAY)
    assert ("EG201", 6) in ids(report.findings)


def test_comments_in_another_resource_or_file_do_not_count(project):
    (project / "other.tf").write_text(MAIN_TF)
    report = scanned(web(path="other.tf", address="aws_ecs_task_definition.other", first=12, last=20))
    apply_suppressions(report, Config(), TODAY)
    assert ("EG201", 6) not in ids(report.findings)  # same file, same line: the comment is there
    assert ("EG991", 3) in ids(report.findings)  # but the resource starts at line 12, not below line 1


def test_json_files_are_never_read_for_comments(project):
    (project / "plan.json").write_text(json.dumps({"note": "# ecs-guard:ignore EG602 sneaky"}) + "\n")
    report = scanned(web(path="plan.json", first=1, last=1))
    for finding in report.findings:
        assert finding.location.path == "plan.json"
    (project / "plan.json").write_text("\n" * 6 + '"privileged": true # ecs-guard:ignore EG602 sneaky\n')
    apply_suppressions(report, Config(), TODAY)
    assert report.suppressed == []


def test_binary_or_missing_files_are_skipped(project):
    (project / "main.tf").write_bytes(b"\x00\x01" + MAIN_TF.encode())
    report = scanned(web(), web(path="gone.tf", address="aws_ecs_task_definition.gone"))
    before = len(report.findings)
    apply_suppressions(report, Config(), TODAY)
    assert len(report.findings) == before and report.suppressed == []


def test_a_suppression_without_a_reason_applies_and_is_noticed(project):
    (project / "main.tf").write_text(
        MAIN_TF.replace("# ecs-guard:ignore EG201 rebuilt nightly from a pinned base", "# ecs-guard:ignore EG201")
    )
    report = scanned(web())
    apply_suppressions(report, Config(), TODAY)
    assert ("EG201", 6) not in ids(report.findings)
    [notice] = report.notices
    assert (notice.kind, notice.message) == (
        "suppression-without-reason",
        "suppression of EG201 at main.tf:6 has no reason",
    )
    assert (notice.path, notice.line) == ("main.tf", 6)


def test_an_unknown_rule_or_no_rule_in_a_comment_is_noticed(project):
    (project / "main.tf").write_text(
        MAIN_TF.replace("EG201 rebuilt", "EG299 rebuilt").replace(
            'user       = "root"', 'user = "root" # ecs-guard:ignore it is fine'
        )
    )
    report = scanned(web())
    apply_suppressions(report, Config(), TODAY)
    assert [(n.kind, n.message) for n in report.notices] == [
        ("unknown-rule-in-suppression", "suppression at main.tf:6 names unknown rule EG299"),
        ("unknown-rule-in-suppression", "suppression at main.tf:8 names no rule ID (ecs-guard:ignore EG201 reason)"),
    ]
    assert ("EG201", 6) in ids(report.findings) and ("EG601", 8) in ids(report.findings)


def test_a_test_rule_that_ran_is_a_known_rule(project):
    report = scanned(web())
    apply_suppressions(report, Config(), TODAY)
    assert all("EG991" not in n.message for n in report.notices)


# ----------------------------------------------------------------- config ignores


def ignoring(*ignores, directory=None) -> Config:
    return Config(file=".ecs-guard.yaml", directory=directory or str(Path.cwd()), ignores=list(ignores))


@pytest.mark.parametrize(
    "ignore, suppressed",
    [
        (Ignore("EG602", "needs the host"), {"EG602"}),
        (Ignore("EG6", "runtime is hardened elsewhere"), {"EG601", "EG602"}),
        (Ignore("EG60", "x", path="*.tf"), {"EG601", "EG602"}),
        (Ignore("EG60", "x", path="infra/*.tf"), set()),
        (Ignore("EG60", "x", path="**/main.tf"), {"EG601", "EG602"}),
        (Ignore("EG60", "x", resource="aws_ecs_task_definition.*"), {"EG601", "EG602"}),
        (Ignore("EG60", "x", resource="aws_ecs_service.*"), set()),
        (Ignore("EG60", "x", resource="aws_ecs_task_definition.we?"), {"EG601", "EG602"}),
        (Ignore("EG602", "x", expires=TODAY + datetime.timedelta(days=1)), {"EG602"}),
    ],
)
def test_config_ignores_match_rule_path_and_resource(project, ignore, suppressed):
    (project / "main.tf").write_text("resource {}\n")  # no comments: only the config ignores
    report = scanned(web(), rules=[get_rule("EG601"), get_rule("EG602")])
    apply_suppressions(report, ignoring(ignore), TODAY)
    assert {s.finding.rule_id for s in report.suppressed} == suppressed
    for s in report.suppressed:
        assert (s.suppression.kind, s.suppression.justification) == (EXTERNAL, ignore.reason)
        assert (s.suppression.path, s.suppression.line) == (".ecs-guard.yaml", None)
    assert report.notices == []


def test_an_expired_ignore_no_longer_applies_and_is_noticed(project):
    (project / "main.tf").write_text("resource {}\n")
    expired = Ignore("EG602", "until the migration", expires=TODAY, key="ignores[3]")
    report = scanned(web(), rules=[get_rule("EG602")])
    apply_suppressions(report, ignoring(expired), TODAY)
    assert report.suppressed == [] and ids(report.findings) == [("EG602", 7)]
    [notice] = report.notices
    assert notice.kind == "expired-ignore"
    assert notice.message == ".ecs-guard.yaml: ignores[3] (EG602) expired on 2026-06-01 and no longer applies"


def test_ignore_paths_are_relative_to_the_config_files_folder(project):
    (project / "infra").mkdir()
    (project / "infra" / "main.tf").write_text("resource {}\n")
    report = scanned(web(path="infra/main.tf"), rules=[get_rule("EG602")])
    apply_suppressions(report, ignoring(Ignore("EG602", "x", path="main.tf"), directory=str(project / "infra")), TODAY)
    assert len(report.suppressed) == 1
    report = scanned(web(path="infra/main.tf"), rules=[get_rule("EG602")])
    apply_suppressions(report, ignoring(Ignore("EG602", "x", path="main.tf")), TODAY)
    assert report.suppressed == []  # from the project root the file is infra/main.tf


def test_an_inline_comment_wins_over_a_config_ignore(project):
    report = scanned(web(), rules=[get_rule("EG201")])
    apply_suppressions(report, ignoring(Ignore("EG201", "from the config")), TODAY)
    assert [s.suppression.kind for s in report.suppressed] == [IN_SOURCE]


@pytest.mark.parametrize(
    "glob, path, matches",
    [
        ("*.tf", "main.tf", True),
        ("*.tf", "infra/main.tf", False),
        ("**/*.tf", "main.tf", True),
        ("**/*.tf", "infra/prod/main.tf", True),
        ("infra/**", "infra/prod/main.tf", True),
        ("infra/**", "other/main.tf", False),
        ("./infra/*/main.tf", "infra/prod/main.tf", True),
        ("infra/?/main.tf", "infra/a/main.tf", True),
        ("infra/?/main.tf", "infra/ab/main.tf", False),
        ("task[1].json", "task[1].json", True),
    ],
)
def test_path_globs(glob, path, matches):
    assert bool(path_glob(glob).match(path)) is matches


@pytest.mark.parametrize(
    "glob, address, matches",
    [
        ("aws_ecs_service.*", "aws_ecs_service.web", True),
        ("module.api.*", 'module.api.aws_ecs_service.this["blue"]', True),
        ('module.api.aws_ecs_service.this["blue"]', 'module.api.aws_ecs_service.this["blue"]', True),
        ('module.api.aws_ecs_service.this["blue"]', 'module.api.aws_ecs_service.this["green"]', False),
        ("arn:aws:ecs:*:service/main/*", "arn:aws:ecs:eu-west-1:123456789012:service/main/web", True),
        ("family:web", "family:web2", False),
    ],
)
def test_resource_globs(glob, address, matches):
    assert bool(resource_glob(glob).match(address)) is matches


# ----------------------------------------------------------------- exit code and output


def suppressed_report(project):
    """EG201 inline, EG991 inline (resource-wide), EG602 by the config; EG601 reported."""
    report = scanned(web())
    apply_suppressions(
        report,
        ignoring(Ignore("EG602", "needs the host's devices"), Ignore("EG601", "old", expires=TODAY, key="ignores[1]")),
        TODAY,
    )
    return report


def test_suppressed_findings_do_not_count_toward_the_exit_code(project):
    report = scanned(web(), rules=[get_rule("EG602")])
    assert common.exit_code(report, Severity.INFO) == 1
    apply_suppressions(report, ignoring(Ignore("EG602", "x")), TODAY)
    assert common.exit_code(report, Severity.INFO) == 0


def test_json_lists_suppressed_findings_with_kind_and_reason(project):
    stream = io.StringIO()
    json_report.render(suppressed_report(project), stream)
    doc = json.loads(stream.getvalue())
    jsonschema.Draft202012Validator(json.loads(REPORT_SCHEMA.read_text())).validate(doc)
    assert [f["rule_id"] for f in doc["findings"]] == ["EG601"]
    by_rule = {(s["rule_id"], s["line"]): s["suppression"] for s in doc["suppressed"]}
    assert by_rule[("EG201", 6)] == {
        "kind": "inSource",
        "reason": "rebuilt nightly from a pinned base",
        "file": "main.tf",
        "line": 6,
    }
    assert by_rule[("EG602", 7)] == {
        "kind": "external",
        "reason": "needs the host's devices",
        "file": ".ecs-guard.yaml",
        "line": None,
    }
    assert len(doc["suppressed"]) == 4
    assert [n["kind"] for n in doc["notices"]] == ["expired-ignore"]
    assert doc["baseline"] is None
    assert doc["summary"]["findings"] == 1


def test_sarif_carries_suppressed_results_and_validates(project):
    stream = io.StringIO()
    sarif.render(suppressed_report(project), stream)
    doc = json.loads(stream.getvalue())
    jsonschema.Draft4Validator(json.loads(SARIF_SCHEMA.read_text())).validate(doc)
    run_ = doc["runs"][0]
    plain = [r for r in run_["results"] if "suppressions" not in r]
    assert [r["ruleId"] for r in plain] == ["EG601"]
    by_rule = {
        (r["ruleId"], r["locations"][0]["physicalLocation"]["region"]["startLine"]): r["suppressions"]
        for r in run_["results"]
        if "suppressions" in r
    }
    assert by_rule[("EG201", 6)] == [
        {
            "kind": "inSource",
            "status": "accepted",
            "justification": "rebuilt nightly from a pinned base",
            "location": {
                "physicalLocation": {
                    "artifactLocation": {"uri": "main.tf", "uriBaseId": "%SRCROOT%"},
                    "region": {"startLine": 6},
                }
            },
        }
    ]
    assert by_rule[("EG602", 7)][0]["kind"] == "external"
    assert by_rule[("EG602", 7)][0]["justification"] == "needs the host's devices"
    assert "suppressions" not in run_["results"][0]  # reported findings come first
    notes = run_["invocations"][0]["toolExecutionNotifications"]
    [expired] = [n for n in notes if n["descriptor"]["id"] == "expired-ignore"]
    assert expired["level"] == "warning" and "ignores[1]" in expired["message"]["text"]
    driver_ids = [d["id"] for d in run_["tool"]["driver"]["notifications"]]
    assert driver_ids[expired["descriptor"]["index"]] == "expired-ignore"


def test_suppressing_a_finding_does_not_change_any_fingerprint(project):
    def prints(report):
        stream = io.StringIO()
        sarif.render(report, stream)
        return {
            (r["ruleId"], r["locations"][0]["physicalLocation"]["region"]["startLine"]): r["partialFingerprints"][
                "ecsGuard/v1"
            ]
            for r in json.loads(stream.getvalue())["runs"][0]["results"]
        }

    (project / "main.tf").write_text("resource {}\n")
    before = prints(scanned(web()))
    assert prints(suppressed_report(project)) == before


def test_console_counts_suppressed_and_notices_and_lists_them_with_verbose(project):
    report = suppressed_report(project)
    quiet, verbose = io.StringIO(), io.StringIO()
    console.render(report, quiet)
    console.render(report, verbose, verbose=True)
    summary = quiet.getvalue().splitlines()[-1]
    assert summary.startswith(
        "1 finding (0 critical, 0 high, 1 medium, 0 low, 0 info); 0 not evaluated; "
        "4 suppressed; 1 notice (--verbose lists them); 0 rule errors;"
    )
    assert "rebuilt nightly" not in quiet.getvalue()
    text = verbose.getvalue()
    assert "Suppressed (not counted toward the exit code):" in text
    assert (
        "  main.tf:6  EG201  aws_ecs_task_definition.web (container 'web'): image 'nginx:latest' runs "
        "whatever 'latest' points to  [comment at main.tf:6: rebuilt nightly from a pinned base]"
    ) in text
    assert "[ignore in .ecs-guard.yaml: needs the host's devices]" in text
    assert "Notices:\n  .ecs-guard.yaml: ignores[1] (EG601) expired on 2026-06-01 and no longer applies" in text
    assert "(--verbose lists them)" not in text


def test_suppressed_secrets_are_still_never_printed(project):
    secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
    line_6 = Location("main.tf", 6, None, ADDRESS)
    container = make_container(
        address=ADDRESS,
        location=Location("main.tf", 5, None, ADDRESS),
        environment=(make_env(Value("AWS_SECRET_ACCESS_KEY", line_6), Value(secret, line_6)),),
    )
    (project / "main.tf").write_text(
        "\n" * 5 + f'AWS_SECRET_ACCESS_KEY = "{secret}" # ecs-guard:ignore EG501 rotated test key\n'
    )
    td = make_task_definition(address=ADDRESS, location=Location("main.tf", 2, 10, ADDRESS), containers=(container,))
    report = scanned(td, rules=[get_rule("EG501")])
    assert [(f.rule_id, f.location.line) for f in report.findings] == [("EG501", 6)]
    apply_suppressions(report, Config(), TODAY)
    assert len(report.suppressed) == 1 and report.findings == []
    for format_name in FORMATS:
        stream = io.StringIO()
        renderer(format_name)(report, stream, verbose=True)
        assert secret not in stream.getvalue()
        assert "EG501" in stream.getvalue()
