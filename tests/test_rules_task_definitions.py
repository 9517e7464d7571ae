"""Unit tests of the network, image, IAM, secret, runtime and EFS rules
(EG101-EG303, EG501, EG601-EG604, EG701) on model objects built directly,
without any adapter: each test changes one fact of a compliant default."""

from __future__ import annotations

import pytest
from model_factory import (
    absent,
    loc,
    make_aws_managed_policy,
    make_container,
    make_env,
    make_policy,
    make_role,
    make_service,
    make_statement,
    make_task_definition,
    make_task_set,
    make_volume,
    unknown,
    unknown_reference,
    val,
    with_roles,
)
from rule_verdicts import check, findings, not_evaluated, verdict

from ecs_guard.engine import run
from ecs_guard.inputs.managed_policies import table_date
from ecs_guard.inputs.managed_statements import aws_managed_statements
from ecs_guard.model import Inventory
from ecs_guard.results import NotEvaluated, Severity
from ecs_guard.rule import get_rule
from ecs_guard.rules import _secrets
from ecs_guard.rules._image import parse_image

TASK_DEFINITION_RULES = (
    "EG101",
    "EG102",
    "EG201",
    "EG202",
    "EG301",
    "EG302",
    "EG303",
    "EG501",
    "EG601",
    "EG602",
    "EG603",
    "EG604",
    "EG701",
)


def test_defaults_pass_every_rule_of_this_pack():
    """The factory's defaults are compliant, so every failing test below is caused by its override."""
    td = make_task_definition(volumes=(make_volume(),))
    inventory = Inventory(
        services=[make_service(task_definition=td)], task_sets=[make_task_set()], task_definitions=[td]
    )
    report = run(inventory, [get_rule(i) for i in TASK_DEFINITION_RULES])
    assert report.findings == [] and report.not_evaluated == [] and report.errors == []


# ----------------------------------------------------------------- EG101 public-ip-assigned


def test_eg101_public_ip_is_a_finding_at_the_attribute():
    service = make_service(assign_public_ip=val(True, line=12, address="svc"))
    [finding] = findings("EG101", service)
    assert finding.location.line == 12


@pytest.mark.parametrize("assign", [False, None])
def test_eg101_no_public_ip_or_no_network_configuration_passes(assign):
    assert verdict("EG101", make_service(assign_public_ip=assign)) == "pass"


def test_eg101_unknown_is_not_evaluated():
    [ne] = not_evaluated("EG101", make_service(assign_public_ip=unknown("known after apply")))
    assert "known after apply" in ne.reason


def test_eg101_task_set_helper_judges_task_sets_the_same_way():
    from ecs_guard.rules.eg101_public_ip_assigned import public_ip_assigned

    assert len(list(public_ip_assigned(make_task_set(assign_public_ip=True)))) == 1
    assert list(public_ip_assigned(make_task_set(assign_public_ip=False))) == []


# ----------------------------------------------------------------- EG102 non-awsvpc-network-mode


def test_eg102_host_is_high():
    [finding] = findings("EG102", make_task_definition(network_mode="host"))
    assert finding.severity is None  # the rule's default: high
    assert get_rule("EG102").severity is Severity.HIGH


@pytest.mark.parametrize("mode", ["bridge", "none"])
def test_eg102_bridge_and_none_are_low(mode):
    [finding] = findings("EG102", make_task_definition(network_mode=mode, requires_compatibilities=("EC2",)))
    assert finding.severity is Severity.LOW


@pytest.mark.parametrize("compatibilities", [("EC2",), (), ("EC2", "FARGATE"), ("EXTERNAL",)])
def test_eg102_unset_mode_off_fargate_is_low_at_the_owner(compatibilities):
    td = make_task_definition(network_mode=absent(line=3), requires_compatibilities=compatibilities)
    [finding] = findings("EG102", td)
    assert finding.severity is Severity.LOW and finding.location.line == 3


def test_eg102_unset_mode_on_fargate_only_means_awsvpc():
    assert verdict("EG102", make_task_definition(network_mode=None, requires_compatibilities=("FARGATE",))) == "pass"


def test_eg102_unknown_mode_on_fargate_only_can_only_be_awsvpc():
    assert (
        verdict("EG102", make_task_definition(network_mode=unknown(), requires_compatibilities=("FARGATE",))) == "pass"
    )


def test_eg102_awsvpc_passes():
    assert verdict("EG102", make_task_definition(network_mode="awsvpc", requires_compatibilities=("EC2",))) == "pass"


def test_eg102_unknown_mode_or_unknown_launch_compatibility_is_not_evaluated():
    td = make_task_definition(network_mode=unknown(), requires_compatibilities=("EC2",))
    assert verdict("EG102", td) == "not-evaluated"
    td = make_task_definition(network_mode=None, requires_compatibilities=unknown())
    assert verdict("EG102", td) == "not-evaluated"


# ----------------------------------------------------------------- EG201 / EG202 images


@pytest.mark.parametrize(
    "image, repository, tag, digest",
    [
        ("nginx", "nginx", None, None),
        ("nginx:1.27", "nginx", "1.27", None),
        ("registry.local:5000/web", "registry.local:5000/web", None, None),
        ("registry.local:5000/team/web:2.0", "registry.local:5000/team/web", "2.0", None),
        ("web@sha256:" + "b" * 64, "web", None, "sha256:" + "b" * 64),
        ("host:5000/web:latest@sha256:" + "c" * 64, "host:5000/web", "latest", "sha256:" + "c" * 64),
    ],
)
def test_parse_image(image, repository, tag, digest):
    parsed = parse_image(image)
    assert (parsed.repository, parsed.tag, parsed.digest) == (repository, tag, digest)


@pytest.mark.parametrize(
    "image, latest",
    [
        ("nginx", True),
        ("nginx:latest", True),
        ("public.ecr.aws/nginx/nginx:latest", True),
        ("registry.local:5000/web", True),  # a port is not a tag
        ("registry.local:5000/web:3.1", False),
        ("nginx:1.27", False),
        ("nginx@sha256:" + "a" * 64, False),  # a digest pins the image
        ("nginx:latest@sha256:" + "a" * 64, False),
        ("nginx:Latest", False),  # tags are case-sensitive
    ],
)
def test_eg201_latest_tag(image, latest):
    assert verdict("EG201", make_container(image=image)) == ("finding" if latest else "pass")


def test_eg201_unknown_image_is_not_evaluated_and_absent_image_passes():
    assert verdict("EG201", make_container(image=unknown())) == "not-evaluated"
    assert verdict("EG201", make_container(image=None)) == "pass"


@pytest.mark.parametrize(
    "image, pinned",
    [
        ("nginx:1.27", False),
        ("nginx", False),
        ("registry.local:5000/web:3.1", False),
        ("nginx@sha256:" + "a" * 64, True),
        ("nginx:1.27@sha256:" + "a" * 64, True),
    ],
)
def test_eg202_digest(image, pinned):
    assert verdict("EG202", make_container(image=image)) == ("pass" if pinned else "finding")


def test_eg202_is_info_and_off_by_default():
    rule = get_rule("EG202")
    assert rule.severity is Severity.INFO and rule.enabled_by_default is False
    assert verdict("EG202", make_container(image=unknown())) == "not-evaluated"


# ----------------------------------------------------------------- EG301 / EG302 wildcard roles


def role_with(*statements, **overrides):
    return make_role(policies=(make_policy(statements=tuple(statements)),), **overrides)


@pytest.mark.parametrize("rule_id, role_field", [("EG301", "execution_role"), ("EG302", "task_role")])
@pytest.mark.parametrize(
    "statement",
    [
        make_statement(actions=("*",)),
        make_statement(actions=("s3:GetObject", "s3:*")),  # among others
        make_statement(actions=("IAM:*",)),  # case-insensitive
        make_statement(effect="allow", actions=("ec2:*",)),
        make_statement(actions=(), not_actions=("iam:*",)),  # NotAction with Allow
    ],
)
def test_wildcard_statements_are_findings(rule_id, role_field, statement):
    td = make_task_definition(**{role_field: val(role_with(statement), line=9)})
    [finding] = findings(rule_id, td)
    assert finding.location.line == 9  # the task definition's role attribute


@pytest.mark.parametrize(
    "statement",
    [
        make_statement(actions=("s3:Get*", "logs:CreateLogStream")),
        make_statement(effect="Deny", actions=("*",)),
        make_statement(effect="Deny", actions=(), not_actions=("s3:GetObject",)),
    ],
)
def test_narrow_or_deny_statements_pass(statement):
    assert verdict("EG302", make_task_definition(task_role=role_with(statement))) == "pass"


@pytest.mark.parametrize(
    ("name", "grant"),
    [
        ("AdministratorAccess", "allows '*'"),
        ("PowerUserAccess", "allows every action but a list (Allow with NotAction)"),
        ("IAMFullAccess", "allows 'iam:*'"),
        ("AmazonS3FullAccess", "allows 's3:*', 's3-object-lambda:*'"),
    ],
)
def test_attached_aws_managed_policies_are_judged_by_their_documents(name, grant):
    role = make_role(policies=(make_aws_managed_policy(name),))
    [finding] = findings("EG301", make_task_definition(execution_role=role))
    assert f"AWS managed policy 'arn:aws:iam::aws:policy/{name}' {grant}" in finding.message


def test_admin_policy_in_another_partition_is_found():
    arn = "arn:aws-us-gov:iam::aws:policy/AdministratorAccess"
    policy = make_policy(
        name="AdministratorAccess",
        arn=arn,
        statements=aws_managed_statements(arn, arn, loc()),
        aws_managed=True,
    )
    assert verdict("EG301", make_task_definition(execution_role=make_role(policies=(policy,)))) == "finding"


def test_aws_managed_policy_granting_no_wildcard_passes():
    policy = make_aws_managed_policy("service-role/AmazonECSTaskExecutionRolePolicy")
    role = make_role(policies=(policy, make_policy()))
    assert verdict("EG301", make_task_definition(execution_role=role)) == "pass"


def test_aws_managed_policy_not_in_the_table_is_not_evaluated_with_the_table_date():
    policy = make_aws_managed_policy("AmazonDoesNotExistYetAccess")
    [ne] = check("EG302", make_task_definition(task_role=make_role(policies=(policy,))))
    assert isinstance(ne, NotEvaluated)
    assert "AmazonDoesNotExistYetAccess" in ne.reason and table_date() in ne.reason


def test_aws_managed_policy_with_statements_not_known_is_not_evaluated():
    """An adapter that could not know the policy's document never lets it pass by its ARN."""
    policy = make_aws_managed_policy("ReadOnlyAccess", statements=unknown("not captured"))
    assert verdict("EG301", make_task_definition(execution_role=make_role(policies=(policy,)))) == "not-evaluated"


def test_aws_managed_policy_whose_arn_is_not_known_is_not_evaluated():
    policy = make_aws_managed_policy("ReadOnlyAccess", arn=unknown("known after apply"), statements=unknown())
    assert verdict("EG301", make_task_definition(execution_role=make_role(policies=(policy,)))) == "not-evaluated"


def test_customer_policy_without_statements_is_not_evaluated_with_reason():
    policy = make_policy(
        name="app", arn="arn:aws:iam::123456789012:policy/app", statements=unknown("policy document not in the input")
    )
    [ne] = check("EG302", make_task_definition(task_role=make_role(policies=(policy,))))
    assert isinstance(ne, NotEvaluated) and "policy document not in the input" in ne.reason


def test_unknown_policy_does_not_hide_a_finding_elsewhere():
    unknown_policy = make_policy(statements=unknown("known after apply"))
    role = make_role(policies=(unknown_policy, make_aws_managed_policy("AdministratorAccess")))
    assert verdict("EG302", make_task_definition(task_role=role)) == "finding"


def test_role_whose_policies_are_unknown_is_not_evaluated():
    role = make_role(policies=unknown("get-role has no policy list"))
    [ne] = not_evaluated("EG301", make_task_definition(execution_role=role))
    assert "get-role has no policy list" in ne.reason


def test_statement_with_unknown_actions_is_not_evaluated():
    role = role_with(make_statement(actions=unknown("known after apply")))
    assert verdict("EG302", make_task_definition(task_role=role)) == "not-evaluated"


def test_unresolved_role_is_not_evaluated_with_the_reason():
    td = make_task_definition(
        execution_role_ref="arn:aws:iam::123456789012:role/elsewhere",
        execution_role=unknown("role arn:aws:iam::123456789012:role/elsewhere not in the input"),
    )
    [ne] = check("EG301", td)
    assert isinstance(ne, NotEvaluated) and "not in the input" in ne.reason


def test_no_role_set_is_nothing():
    assert check("EG301", make_task_definition(execution_role=None)) == []
    assert check("EG302", make_task_definition(task_role=None)) == []


def test_eg301_looks_at_the_execution_role_only():
    admin = make_role(policies=(make_aws_managed_policy("AdministratorAccess"),))
    td = with_roles(execution_role=make_role(name="exec"), task_role=admin)
    assert verdict("EG301", td) == "pass" and verdict("EG302", td) == "finding"


# ----------------------------------------------------------------- EG303 shared-task-execution-role

ROLE_ARN = "arn:aws:iam::123456789012:role/ecs"


def test_eg303_same_role_is_a_finding_at_the_task_role():
    td = make_task_definition(execution_role_ref=val(ROLE_ARN, line=4), task_role_ref=val(ROLE_ARN, line=5))
    [finding] = findings("EG303", td)
    assert finding.location.line == 5


def test_eg303_same_terraform_role_address_is_a_finding():
    td = make_task_definition(execution_role_ref="aws_iam_role.ecs", task_role_ref="aws_iam_role.ecs")
    assert verdict("EG303", td) == "finding"


def test_eg303_role_name_and_its_arn_are_the_same_role():
    td = make_task_definition(execution_role_ref="arn:aws:iam::123456789012:role/service/ecs", task_role_ref="ecs")
    assert verdict("EG303", td) == "finding"


def test_eg303_different_roles_or_one_missing_pass():
    assert (
        verdict(
            "EG303",
            make_task_definition(execution_role_ref=ROLE_ARN, task_role_ref="arn:aws:iam::123456789012:role/app"),
        )
        == "pass"
    )
    assert verdict("EG303", make_task_definition(execution_role_ref=ROLE_ARN, task_role_ref=None)) == "pass"
    assert verdict("EG303", make_task_definition(execution_role_ref=None, task_role_ref=unknown())) == "pass"


def test_eg303_unknown_ref_is_not_evaluated():
    td = make_task_definition(execution_role_ref=ROLE_ARN, task_role_ref=unknown("known after apply"))
    assert verdict("EG303", td) == "not-evaluated"


def test_eg303_two_unresolved_refs_are_not_evaluated_with_both_reasons():
    td = make_task_definition(
        execution_role_ref=unknown("role '${EXEC_ROLE}' is a template placeholder"),
        task_role_ref=unknown("role '${TASK_ROLE}' is a template placeholder"),
    )
    [ne] = not_evaluated("EG303", td)
    assert "both unresolved" in ne.reason and "${EXEC_ROLE}" in ne.reason and "${TASK_ROLE}" in ne.reason


@pytest.mark.parametrize(
    ("execution", "task", "verdict_"),
    [
        ("${EXEC_ROLE}", "${TASK_ROLE}", "not-evaluated"),
        ("{{ execution_role_arn }}", "{{ task_role_arn }}", "not-evaluated"),
        ("arn:aws:iam::123456789012:role/web-execution", "<task-role-arn>", "not-evaluated"),
        ("arn:aws:iam::123456789012:role/#{ExecRole}", "arn:aws:iam::123456789012:role/web-task", "not-evaluated"),
        ("${ROLE}", "${ROLE}", "finding"),
        ("arn:aws:iam::${AWS_ACCOUNT_ID}:role/web-execution", "arn:aws:iam::${AWS_ACCOUNT_ID}:role/web-task", "pass"),
    ],
)
def test_eg303_template_placeholders(execution, task, verdict_):
    td = make_task_definition(execution_role_ref=execution, task_role_ref=task)
    assert verdict("EG303", td) == verdict_


def test_eg303_two_different_placeholders_name_both_in_the_reason():
    td = make_task_definition(execution_role_ref="${EXEC_ROLE}", task_role_ref="${TASK_ROLE}")
    [ne] = not_evaluated("EG303", td)
    assert "both unresolved" in ne.reason and "${EXEC_ROLE}" in ne.reason and "${TASK_ROLE}" in ne.reason


# ----------------------------------------------------------------- EG501 secret detection


@pytest.mark.parametrize(
    "name",
    [
        "DB_PASSWORD",
        "MYSQL_ROOT_PASSWD",
        "APP_SECRET",
        "GITHUB_TOKEN",
        "STRIPE_API_KEY",
        "JWT_PRIVATE_KEY",
        "S3_ACCESS_KEY",
        "GOOGLE_CREDENTIALS",
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "ECS_ENGINE_AUTH_DATA",
        "dbPassword",
        "api-key",
        "apikey",
    ],
)
def test_secret_like_names(name):
    assert _secrets.is_secret_name(name)
    assert _secrets.secret_reason(name, "s3cr3t-value") == "secret-like name"


@pytest.mark.parametrize("name", ["DB_HOST", "LOG_LEVEL", "PORT", "NODE_ENV", "AWS_REGION", "KEYCLOAK_REALM"])
def test_ordinary_names(name):
    assert not _secrets.is_secret_name(name)
    assert _secrets.secret_reason(name, "production") is None


FAKE_JWT = (
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkphbmUifQ."
    "SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"
)
KNOWN_FORMATS = {
    "AWS access key id": "AKIAIOSFODNN7EXAMPLE",
    "AWS temporary key id": "ASIAIOSFODNN7EXAMPLE",
    "private key block": "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\n-----END RSA PRIVATE KEY-----",
    "openssh private key": "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXk=\n-----END OPENSSH PRIVATE KEY-----",
    "pkcs8 private key": "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBg==\n-----END PRIVATE KEY-----",
    # Token prefixes are split so that no secret scanner mistakes this file for a leak.
    "GitHub classic token": "gh" + "p_" + "A1b2C3d4E5" * 3 + "f6G7h8",
    "GitHub fine-grained token": "github" + "_pat_11ABCDEFG0123456789abc_" + "x" * 59,
    "Slack bot token": "xox" + "b-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx",
    "Slack app token": "xox" + "a-2-123456789012-abcdefghij",
    "Slack user token": "xox" + "p-123456789012-123456789012-abcdefABCDEF",
    "Stripe live key": "sk_" + "live_" + "4eC39HqLyjWDarjtT1zdp7dc",
    "JWT": FAKE_JWT,
    "URL with password": "postgres://app:hunter2@db.internal:5432/app",
    "URL with password and no user": "redis://:hunter2@cache.internal:6379/0",
}


@pytest.mark.parametrize("kind", KNOWN_FORMATS)
def test_known_formats_are_secrets_whatever_the_name(kind):
    value = KNOWN_FORMATS[kind]
    assert _secrets.secret_format(value) is not None
    assert _secrets.secret_reason("SETTING", value).startswith("value looks like")


@pytest.mark.parametrize(
    "value",
    [
        "https://example.com/path",
        "postgres://app@db.internal:5432/app",
        "sk_test_4eC39HqLyjWDarjtT1zdp7dc",
        "AKIA-not-a-key",
        "gh" + "p_short",
        "postgres://app:${DB_PASSWORD}@db.internal/app",
        "postgres://app:{{DB_PASSWORD}}@db.internal/app",
    ],
)
def test_lookalikes_are_not_known_formats(value):
    assert _secrets.secret_format(value) is None


@pytest.mark.parametrize(
    "value",
    [
        "",  # empty
        "   ",
        "arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/db-AbCdEf",  # ARN
        "arn:aws:ssm:eu-west-1:123456789012:parameter/prod/db/password",
        "/prod/db/password",  # SSM parameter path
        "${DB_PASSWORD}",  # ${...} reference
        "${DB_USER}:${DB_PASSWORD}",
        "{{resolve:secretsmanager:prod/db:SecretString:password}}",  # CloudFormation dynamic reference
        "{{DB_PASSWORD}}",  # template placeholder
        "<password>",
        "yes",
        "no",
        "true",
        "false",
        "0",
        "1",
        "YES",
        "True",  # boolean-like
    ],
)
def test_not_secrets(value):
    assert _secrets.not_a_secret(value)
    assert _secrets.secret_reason("DB_PASSWORD", value) is None


def test_boolean_like_switch_with_a_secret_like_name_is_not_a_secret():
    assert _secrets.secret_reason("MYSQL_ALLOW_EMPTY_PASSWORD", "yes") is None


def test_partly_literal_values_are_not_placeholders():
    assert not _secrets.is_placeholder("hunter2${SUFFIX}")
    assert _secrets.secret_reason("DB_PASSWORD", "hunter2${SUFFIX}") == "secret-like name"


# ----------------------------------------------------------------- EG501 the rule


def container_with_env(*env, **overrides):
    return make_container(environment=tuple(env), **overrides)


def test_eg501_secret_like_name_is_a_finding_at_the_name():
    container = container_with_env(make_env("LOG_LEVEL", "info", line=7), make_env("DB_PASSWORD", "hunter2", line=8))
    [finding] = findings("EG501", container)
    assert finding.location.line == 8 and "DB_PASSWORD" in finding.message


def test_eg501_known_format_under_an_ordinary_name_is_a_finding():
    assert verdict("EG501", container_with_env(make_env("DATABASE_URL", "postgres://app:hunter2@db/app"))) == "finding"


@pytest.mark.parametrize("value", [*list(KNOWN_FORMATS.values()), "correct-horse-battery-staple", "hunter2"])
def test_eg501_the_secret_value_never_appears_in_the_message(value):
    [finding] = findings("EG501", container_with_env(make_env("API_TOKEN", value)))
    assert value not in finding.message
    assert "API_TOKEN" in finding.message and "****" in finding.message
    for piece in (value[:6], value[-6:]):
        assert piece not in finding.message


def test_eg501_references_and_empty_values_pass():
    container = container_with_env(
        make_env("DB_PASSWORD", "hunter2", literal=False),  # var.db_password, Ref
        make_env("API_TOKEN", ""),
        make_env("DB_SECRET_ARN", "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-AbCdEf"),
        make_env("MYSQL_ALLOW_EMPTY_PASSWORD", "yes"),
    )
    assert verdict("EG501", container) == "pass"


def test_eg501_reference_whose_value_is_unknown_passes():
    env = make_env("DB_PASSWORD", unknown("no value in the input"))
    env_ref = make_env("DB_PASSWORD", unknown_reference("var.db_password has no value"))
    assert verdict("EG501", container_with_env(env_ref)) == "pass"
    assert verdict("EG501", container_with_env(env)) == "not-evaluated"


def test_eg501_unknown_environment_is_not_evaluated():
    assert verdict("EG501", make_container(environment=unknown("known after apply"))) == "not-evaluated"


def test_eg501_unknown_name_is_judged_by_value_else_not_evaluated():
    by_format = make_env(unknown(), "AKIAIOSFODNN7EXAMPLE")
    plain = make_env(unknown(), "hunter2")
    assert verdict("EG501", container_with_env(by_format)) == "finding"
    assert verdict("EG501", container_with_env(plain)) == "not-evaluated"


def test_eg501_one_finding_per_secret_entry():
    container = container_with_env(make_env("DB_PASSWORD", "a1"), make_env("API_KEY", "b2"), make_env("PORT", "80"))
    assert len(findings("EG501", container)) == 2


# ----------------------------------------------------------------- EG601 container-runs-as-root


@pytest.mark.parametrize("user", ["root", "0", "0:0", "root:root", "0:1000", "ROOT"])
def test_eg601_root_users_are_findings(user):
    assert verdict("EG601", make_container(user=user)) == "finding"


@pytest.mark.parametrize("os_family", [None, "LINUX"])
def test_eg601_no_user_on_linux_is_a_finding_at_the_container(os_family):
    container = make_container(user=absent(line=2), os_family=os_family)
    [finding] = findings("EG601", container)
    assert finding.location.line == 2


@pytest.mark.parametrize("user", ["1000", "1000:1000", "nginx", "app:app"])
def test_eg601_non_root_users_pass(user):
    assert verdict("EG601", make_container(user=user)) == "pass"


@pytest.mark.parametrize("os_family", ["WINDOWS_SERVER_2019_FULL", "WINDOWS_SERVER_2022_CORE"])
def test_eg601_windows_is_skipped(os_family):
    assert verdict("EG601", make_container(user=None, os_family=os_family)) == "pass"


def test_eg601_unknowns_are_not_evaluated():
    assert verdict("EG601", make_container(user=unknown())) == "not-evaluated"
    assert verdict("EG601", make_container(user=None, os_family=unknown())) == "not-evaluated"
    assert verdict("EG601", make_container(user="1000", os_family=unknown())) == "pass"  # non-root anywhere


# ----------------------------------------------------------------- EG602 privileged-container


def test_eg602_privileged():
    assert verdict("EG602", make_container(privileged=True)) == "finding"
    assert verdict("EG602", make_container(privileged=False)) == "pass"
    assert verdict("EG602", make_container(privileged=None)) == "pass"
    assert verdict("EG602", make_container(privileged=unknown())) == "not-evaluated"


# ----------------------------------------------------------------- EG603 writable-root-filesystem


def test_eg603_not_readonly_is_a_finding():
    [finding] = findings("EG603", make_container(readonly_root_filesystem=val(False, line=6)))
    assert finding.location.line == 6
    [missing] = findings("EG603", make_container(readonly_root_filesystem=absent(line=2)))
    assert missing.location.line == 2


def test_eg603_readonly_passes_and_unknown_is_not_evaluated():
    assert verdict("EG603", make_container(readonly_root_filesystem=True)) == "pass"
    assert verdict("EG603", make_container(readonly_root_filesystem=unknown())) == "not-evaluated"


# ----------------------------------------------------------------- EG604 host-pid-namespace


def test_eg604_host_pid_mode():
    [finding] = findings("EG604", make_task_definition(pid_mode=val("host", line=5)))
    assert finding.location.line == 5
    assert verdict("EG604", make_task_definition(pid_mode="task")) == "pass"
    assert verdict("EG604", make_task_definition(pid_mode=None)) == "pass"
    assert verdict("EG604", make_task_definition(pid_mode=unknown())) == "not-evaluated"


# ----------------------------------------------------------------- EG701 efs-transit-encryption-disabled


def test_eg701_every_efs_volume_is_checked():
    volumes = (
        make_volume(name="a"),
        make_volume(name="b", transit_encryption=val("DISABLED", line=20)),
        make_volume(name="c", transit_encryption=absent(line=30)),
    )
    results = findings("EG701", make_task_definition(volumes=volumes))
    assert sorted(f.location.line for f in results) == [20, 30]


def test_eg701_non_efs_volumes_are_ignored():
    volume = make_volume(name="scratch", efs=False, transit_encryption=None)
    assert verdict("EG701", make_task_definition(volumes=(volume,))) == "pass"


def test_eg701_unknowns_are_not_evaluated():
    assert verdict("EG701", make_task_definition(volumes=unknown())) == "not-evaluated"
    volume = make_volume(transit_encryption=unknown())
    assert verdict("EG701", make_task_definition(volumes=(volume,))) == "not-evaluated"


# ----------------------------------------------------------------- through the engine


def test_engine_names_the_container_and_applies_severity_overrides():
    td = make_task_definition(
        network_mode="bridge", requires_compatibilities=("EC2",), containers=(make_container(name="api", user="root"),)
    )
    report = run(Inventory(task_definitions=[td]), [get_rule("EG102"), get_rule("EG601")])
    by_rule = {f.rule_id: f for f in report.findings}
    assert by_rule["EG102"].severity is Severity.LOW
    assert by_rule["EG601"].container == "api" and by_rule["EG601"].severity is Severity.MEDIUM


def test_eg501_secrets_value_from_entries_are_not_environment(tmp_path, monkeypatch):
    """Through the whole scanner: a `secrets` entry (valueFrom) never becomes an
    environment entry, while the same name with a literal in `environment` does."""
    import json

    from ecs_guard.scan import scan

    def taskdef(container_extra: dict) -> str:
        return json.dumps(
            {"family": "api", "containerDefinitions": [{"name": "api", "image": "api:2.3.0", **container_extra}]}
        )

    (tmp_path / "from-secrets.json").write_text(
        taskdef({"secrets": [{"name": "DB_PASSWORD", "valueFrom": "arn:aws:ssm:eu-west-1:123456789012:parameter/db"}]})
    )
    (tmp_path / "literal").mkdir()
    (tmp_path / "literal" / "taskdef.json").write_text(
        taskdef({"environment": [{"name": "DB_PASSWORD", "value": "hunter2-literal"}]})
    )
    monkeypatch.chdir(tmp_path)
    quiet = scan(["from-secrets.json"], rules=[get_rule("EG501")])
    loud = scan(["literal"], rules=[get_rule("EG501")])
    assert quiet.findings == [] and quiet.not_evaluated == []
    [finding] = loud.findings
    assert "DB_PASSWORD" in finding.message and "hunter2-literal" not in finding.message


@pytest.mark.parametrize("os_family", ["WINDOWS_SERVER_2019_FULL", "WINDOWS_SERVER_2022_CORE"])
def test_eg603_windows_is_skipped_because_ecs_does_not_support_it(os_family):
    assert verdict("EG603", make_container(readonly_root_filesystem=None, os_family=os_family)) == "pass"
    assert verdict("EG603", make_container(readonly_root_filesystem=None, os_family="LINUX")) == "finding"
    assert verdict("EG603", make_container(readonly_root_filesystem=None, os_family=unknown())) == "not-evaluated"


def test_eg101_runs_on_task_sets_through_the_engine():
    from ecs_guard.engine import run
    from ecs_guard.model import Inventory
    from ecs_guard.rule import get_rule

    report = run(Inventory(task_sets=[make_task_set(assign_public_ip=True)]), [get_rule("EG101")])
    assert len(report.findings) == 1


@pytest.mark.parametrize("unset", [None, ""])
def test_eg701_unset_transit_encryption_says_so(unset):
    """A plan holds "" for an unset transit_encryption: the message must not read 'sets  transit encryption'."""
    td = make_task_definition(volumes=(make_volume(transit_encryption=unset),))
    [finding] = findings("EG701", td)
    assert "does not enable transit encryption" in finding.message
