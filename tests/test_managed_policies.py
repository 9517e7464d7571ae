"""The table of AWS managed policies: made from the dataset AWS publishes
(tools/gen_managed_policies.py), shipped as package data, looked up by ARN
(ecs_guard.inputs.managed_policies), and judged by the same code as any
other policy (rules/_iam.py)."""

from __future__ import annotations

import importlib.util
import json
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from ecs_guard.inputs import managed_policies
from ecs_guard.inputs.managed_policies import ManagedPolicy, ManagedStatement, NotInTable, lookup
from ecs_guard.location import Location
from ecs_guard.model import Statement, Value
from ecs_guard.rules._iam import is_wildcard_action, statement_wildcard_grant

ROOT = Path(__file__).resolve().parent.parent
PACKAGED = ROOT / "ecs_guard" / "data" / "aws_managed_policies.json"


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gen_managed_policies", ROOT / "tools" / "gen_managed_policies.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


GEN = _generator()
SOURCE = GEN.default_source()
needs_source = pytest.mark.skipif(
    not SOURCE.is_file(),
    reason=f"the AWS managed policy dataset is not at {SOURCE} (set ECS_GUARD_POLICY_SOURCE to its path)",
)


@pytest.fixture(scope="module")
def source() -> dict[str, Any]:
    parsed: dict[str, Any] = json.loads(SOURCE.read_text(encoding="utf-8"))
    return parsed


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _model_statement(statement: ManagedStatement) -> Statement:
    """The conversion an adapter makes: one model Statement per table statement."""
    where = Location("arn:aws:iam::aws:policy/x")
    return Statement(
        address="arn:aws:iam::aws:policy/x",
        location=where,
        effect=Value(statement.effect, where),
        actions=Value(statement.actions, where),
        not_actions=Value(statement.not_actions, where),
    )


def _grants(arn: str) -> list[str]:
    """What rules/_iam.py finds wildcard in the looked-up policy's statements."""
    policy = lookup(arn)
    assert isinstance(policy, ManagedPolicy), policy
    return [g for g in (statement_wildcard_grant(_model_statement(s)) for s in policy.statements) if g]


# ----------------------------------------------------------------- the generator against the dataset


@needs_source
def test_packaged_table_is_the_regeneration_of_the_dataset() -> None:
    assert PACKAGED.read_text(encoding="utf-8") == GEN.generate(SOURCE), (
        "the packaged table is stale: run python tools/gen_managed_policies.py"
    )


@needs_source
def test_generator_keeps_every_policy_and_counts_the_wildcard_ones_as_rules_md_does(source: dict[str, Any]) -> None:
    """RULES.md: 1,643 documents, 328 grant `*`, `service:*` or NotAction.
    Counted here straight from the source, with the rules' own predicate, and
    compared with what the generator kept."""
    raw = source["policies"]
    wildcard = {
        name
        for name, entry in raw.items()
        if any(
            s["Effect"] == "Allow" and ("NotAction" in s or any(map(is_wildcard_action, _as_list(s.get("Action", [])))))
            for s in _as_list(entry["document"]["Statement"])
        )
    }
    assert len(raw) == 1643
    assert len(wildcard) == 328
    table = json.loads(PACKAGED.read_text(encoding="utf-8"))["policies"]
    # One source key is a stray copy: "AWSCodeArtifactReadOnlyAccess.json" beside "AWSCodeArtifactReadOnlyAccess".
    assert set(table) == {name.removesuffix(".json") for name in raw}
    assert len(table) == 1642
    assert {name for name, policy in table.items() if policy["statements"]} == wildcard


@needs_source
def test_rules_md_count_holds_for_any_resource_not_only_resource_star(source: dict[str, Any]) -> None:
    """RULES.md says the 328 grant it 'on Resource "*"'; 14 of them grant it
    only on narrower resources (AWSLambdaExecute: logs:* on arn:aws:logs:*:*:*).
    The rules judge actions, not resources, so all 328 fire."""
    on_star = {
        name
        for name, entry in source["policies"].items()
        if any(
            s["Effect"] == "Allow"
            and "*" in _as_list(s.get("Resource", []))
            and ("NotAction" in s or any(map(is_wildcard_action, _as_list(s.get("Action", [])))))
            for s in entry["document"]["Statement"]
        )
    }
    assert len(on_star) == 314
    assert "AWSLambdaExecute" not in on_star
    assert _grants("arn:aws:iam::aws:policy/AWSLambdaExecute") == ["allows 'logs:*'"]


@needs_source
def test_generator_keeps_the_source_and_commit_and_dates_the_table(source: dict[str, Any]) -> None:
    meta = json.loads(PACKAGED.read_text(encoding="utf-8"))["source"]
    assert meta["repository"] == source["source"]["repository"] == "iann0036/iam-dataset"
    assert meta["commit"] == source["source"]["commit"]
    newest = max(
        d[:10] for entry in source["policies"].values() for d in (entry.get("createdate"), entry.get("updatedate")) if d
    )
    assert meta["date"] == newest == managed_policies.table_date()
    assert meta["documents_from_other_commits"] == {
        name: entry["source_commit"] for name, entry in source["policies"].items() if "source_commit" in entry
    }


# ----------------------------------------------------------------- the generator on small inputs


def _source(
    *statements: dict[str, Any], name: str = "P", arn: str | None = "arn:aws:iam::aws:policy/P"
) -> dict[str, Any]:
    entry = {
        "arn": arn,
        "createdate": "2020-01-02T03:04:05Z",
        "updatedate": "2021-05-06T07:08:09+00:00",
        "deprecated": arn is None,
        "document": {"Version": "2012-10-17", "Statement": list(statements)},
    }
    return {"source": {"repository": "r", "commit": "c"}, "absent": [], "policies": {name: entry}}


def test_generator_keeps_only_wildcard_actions_of_allow_statements() -> None:
    table = GEN.build_table(
        _source(
            {"Effect": "Allow", "Action": ["s3:GetObject", "s3:*", "ec2:Describe*", "s3:*"], "Resource": "*"},
            {"Effect": "allow", "Action": "*", "Resource": "arn:aws:s3:::b"},
            {"Effect": "Deny", "Action": "*", "Resource": "*"},
            {"Effect": "Deny", "NotAction": ["iam:*"], "Resource": "*"},
            {"Effect": "Allow", "Action": ["s3:Get*"], "Resource": "*"},
            {"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"},
        )
    )
    assert table["policies"]["P"] == {
        "path": "/",
        "statements": [{"actions": ["s3:*"]}, {"actions": ["*"]}, {"not_actions": ["iam:*"]}],
    }
    assert table["source"]["date"] == "2021-05-06"


def test_generator_keeps_a_safe_policy_with_no_statements_and_a_deprecated_one_without_arn() -> None:
    table = GEN.build_table(
        _source({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}, name="Old.json", arn=None)
    )
    assert table["policies"] == {"Old": {"path": None, "deprecated": True, "statements": []}}


def test_generator_output_is_deterministic_one_policy_a_line() -> None:
    source = _source({"Effect": "Allow", "Action": "*", "Resource": "*"}, name="B", arn="arn:aws:iam::aws:policy/B")
    source["policies"]["A"] = _source(name="A", arn="arn:aws:iam::aws:policy/job-function/A")["policies"]["A"]
    text = GEN.render(GEN.build_table(source))
    assert text.splitlines()[1:] == [
        '"A":{"path":"/job-function/","statements":[]},',
        '"B":{"path":"/","statements":[{"actions":["*"]}]}',
        "}}",
    ]
    assert json.loads(text)["policies"]["B"]["statements"] == [{"actions": ["*"]}]


def test_generator_reports_a_bad_source_in_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(
        '{"policies": {"P": {"arn": "arn:aws:iam::aws:policy/P", "document": {"Statement": 3}}}, "source": {}}'
    )
    assert GEN.main([str(bad), "--output", str(tmp_path / "out.json")]) == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and error.startswith(f"{bad}: ") and "Statement" in error
    assert not (tmp_path / "out.json").exists()
    assert GEN.main([str(tmp_path / "missing.json"), "--output", str(tmp_path / "out.json")]) == 2


def test_generator_check_mode_says_whether_the_output_is_up_to_date(tmp_path: Path) -> None:
    source = tmp_path / "source.json"
    source.write_text(json.dumps(_source({"Effect": "Allow", "Action": "*", "Resource": "*"})))
    out = tmp_path / "table.json"
    assert GEN.main([str(source), "--output", str(out), "--check"]) == 1
    assert GEN.main([str(source), "--output", str(out)]) == 0
    assert GEN.main([str(source), "--output", str(out), "--check"]) == 0
    source.write_text(json.dumps(_source({"Effect": "Allow", "Action": "s3:*", "Resource": "*"})))
    assert GEN.main([str(source), "--output", str(out), "--check"]) == 1


@needs_source
def test_generator_wildcard_test_is_the_rules_one(source: dict[str, Any]) -> None:
    actions = {
        a
        for entry in source["policies"].values()
        for s in entry["document"]["Statement"]
        for a in _as_list(s.get("Action", []))
    }
    assert {a for a in actions if GEN.is_wildcard_action(a)} == {a for a in actions if is_wildcard_action(a)}
    assert "Discovery:*" in actions and GEN.is_wildcard_action("Discovery:*")


# ----------------------------------------------------------------- lookup


def test_s3_full_access_grants_s3_star() -> None:
    policy = lookup("arn:aws:iam::aws:policy/AmazonS3FullAccess")
    assert isinstance(policy, ManagedPolicy)
    assert policy.statements[0].actions[0] == "s3:*"
    assert _grants(policy.arn) == ["allows 's3:*', 's3-object-lambda:*'"]


def test_ecs_task_execution_role_policy_is_known_and_grants_no_wildcard() -> None:
    arn = "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
    policy = lookup(arn)
    assert isinstance(policy, ManagedPolicy)
    assert (policy.name, policy.path, policy.statements, policy.deprecated) == (
        "AmazonECSTaskExecutionRolePolicy",
        "/service-role/",
        (),
        False,
    )
    assert _grants(arn) == []


def test_administrator_access_grants_star() -> None:
    assert _grants("arn:aws:iam::aws:policy/AdministratorAccess") == ["allows '*'"]


def test_power_user_access_is_an_allow_with_not_action() -> None:
    policy = lookup("arn:aws:iam::aws:policy/PowerUserAccess")
    assert isinstance(policy, ManagedPolicy)
    assert policy.statements == (ManagedStatement("Allow", (), ("iam:*", "organizations:*", "account:*")),)
    assert _grants(policy.arn) == ["allows every action but a list (Allow with NotAction)"]


@pytest.mark.parametrize(
    "arn",
    [
        "arn:aws-cn:iam::aws:policy/AmazonS3FullAccess",
        "arn:aws-us-gov:iam::aws:policy/AmazonS3FullAccess",
        "arn:${data.aws_partition.current.partition}:iam::aws:policy/AmazonS3FullAccess",
        " arn:aws:iam::aws:policy/AmazonS3FullAccess\n",
    ],
)
def test_lookup_across_partitions_finds_the_same_policy(arn: str) -> None:
    policy = lookup(arn)
    assert isinstance(policy, ManagedPolicy)
    assert (policy.arn, policy.name) == (arn.strip(), "AmazonS3FullAccess")
    assert _grants(policy.arn) == ["allows 's3:*', 's3-object-lambda:*'"]


def test_lookup_with_a_path_in_another_partition() -> None:
    policy = lookup("arn:aws-us-gov:iam::aws:policy/aws-service-role/AmazonECSServiceRolePolicy")
    assert isinstance(policy, ManagedPolicy)
    assert (policy.name, policy.path) == ("AmazonECSServiceRolePolicy", "/aws-service-role/")


def test_a_deprecated_policy_without_arn_in_the_dataset_is_judged_by_its_document() -> None:
    policy = lookup("arn:aws:iam::aws:policy/AWSElasticBeanstalkFullAccess")
    assert isinstance(policy, ManagedPolicy)
    assert policy.deprecated and policy.path is None
    assert "s3:*" in policy.statements[0].actions


def test_an_unknown_aws_managed_policy_is_not_in_the_table_with_the_date() -> None:
    result = lookup("arn:aws:iam::aws:policy/DoesNotExistYet")
    assert result == NotInTable(
        "arn:aws:iam::aws:policy/DoesNotExistYet", "DoesNotExistYet", managed_policies.table_date()
    )
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", result.table_date)
    assert result.table_date in result.reason and "DoesNotExistYet" in result.reason


def test_a_policy_listed_without_its_document_is_not_in_the_table() -> None:
    result = lookup("arn:aws:iam::aws:policy/AWSMcpServiceActionsFullAccess")
    assert isinstance(result, NotInTable) and result.document_missing
    assert "document is missing" in result.reason and result.table_date in result.reason


@pytest.mark.parametrize(
    "arn",
    [
        "arn:aws:iam::123456789012:policy/x",
        "arn:aws:iam::123456789012:policy/AmazonS3FullAccess",
        "arn:aws:iam::aws:role/AmazonS3FullAccess",
        "arn:aws:iam::aws:policy/",
        "AmazonS3FullAccess",
        "",
    ],
)
def test_anything_else_is_not_an_aws_managed_policy(arn: str) -> None:
    assert lookup(arn) is None
    assert managed_policies.aws_managed_policy_name(arn) is None


def test_table_date_is_the_packaged_tables() -> None:
    assert json.loads(PACKAGED.read_text(encoding="utf-8"))["source"]["date"] == managed_policies.TABLE_DATE
    with pytest.raises(AttributeError):
        managed_policies.NO_SUCH_NAME  # noqa: B018


def test_importing_the_module_does_not_read_the_table() -> None:
    code = (
        "import ecs_guard.inputs.managed_policies as m; assert m._table.cache_info().currsize == 0; "
        "m.lookup('arn:aws:iam::aws:policy/IAMFullAccess'); assert m._table.cache_info().currsize == 1"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)
