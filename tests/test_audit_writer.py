"""The audit's snapshot at rest, its retry budget and its error lines, without a server.

The snapshot is written through the audit's own writer from a read built
here, then scanned by the ordinary snapshot input: a secret is saved as its
redaction marker and rescans to the same EG501 finding; files are whole or
absent even when the disk fills up mid-write; nothing is readable by others.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from datetime import datetime, timezone
from pathlib import Path

import pytest
from botocore.exceptions import ClientError, EndpointConnectionError

from ecs_guard.audit.calls import CallLog, describe_error
from ecs_guard.audit.limits import Limits
from ecs_guard.audit.reader import AccountRead, IamRead, RegionRead
from ecs_guard.audit.writer import write_snapshot
from ecs_guard.scan import scan

REGION = "eu-west-1"
SECRETS = {
    "DB_PASSWORD": "correct-horse-battery-staple-42",
    "AUTH_HEADER": "Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
    "DATABASE_URL": "postgres://app:hunter2-hunter2@db.internal:5432/app",
    "DEPLOY_KEY": "AKIAIOSFODNN7EXAMPLQ",
}
PLAIN = {"LOG_LEVEL": "info", "DB_PASSWORD_FILE": "/run/secrets/db", "MAX_TOKENS": "4096"}


def task_definition_answer(family: str = "api") -> dict:
    arn = f"arn:aws:ecs:{REGION}:123456789012:task-definition/{family}:3"
    environment = [{"name": k, "value": v} for k, v in {**SECRETS, **PLAIN}.items()]
    return {
        "taskDefinition": {
            "taskDefinitionArn": arn,
            "family": family,
            "revision": 3,
            "networkMode": "awsvpc",
            "requiresCompatibilities": ["FARGATE"],
            "cpu": "256",
            "memory": "512",
            "containerDefinitions": [
                {
                    "name": "api",
                    "image": "public.ecr.aws/nginx/nginx:1.27.3",
                    "essential": True,
                    "environment": environment,
                }
            ],
        },
        "tags": [],
    }


def account_read(*answers: dict) -> AccountRead:
    region = RegionRead(REGION, clusters={"clusters": [], "failures": []}, task_definitions=list(answers))
    return AccountRead(
        "123456789012", [REGION], datetime(2026, 1, 1, tzinfo=timezone.utc), [region], IamRead(None), CallLog()
    )


def eg501(report) -> list[tuple]:
    return sorted((f.resource, f.location.line, f.message) for f in report.findings if f.rule_id == "EG501")


def test_secrets_are_saved_as_markers_and_rescan_to_the_same_findings(tmp_path):
    answer = task_definition_answer()
    original = tmp_path / "original" / REGION / "describe-task-definition-api-3.json"
    original.parent.mkdir(parents=True)
    original.write_text(json.dumps(answer, indent=4) + "\n")  # as AWS returned it, laid out as the writer does
    write_snapshot(account_read(answer), tmp_path / "saved")

    before, after = eg501(scan([str(tmp_path / "original")])), eg501(scan([str(tmp_path / "saved")]))
    assert len(before) == len(SECRETS)
    assert after == before  # same resources, lines and messages (with the reasons)

    saved = (tmp_path / "saved" / REGION / "describe-task-definition-api-3.json").read_text()
    for secret in SECRETS.values():
        assert secret not in saved
    values = {
        e["name"]: e["value"] for e in json.loads(saved)["taskDefinition"]["containerDefinitions"][0]["environment"]
    }
    assert values["DB_PASSWORD"] == "ecs-guard:redacted:secret-like name"
    assert values["DEPLOY_KEY"] == "ecs-guard:redacted:value looks like an AWS access key id"
    assert {k: values[k] for k in PLAIN} == PLAIN  # what is no secret stays as it was
    assert answer["taskDefinition"]["containerDefinitions"][0]["environment"][0]["value"] == SECRETS["DB_PASSWORD"]


def test_a_marker_with_a_reason_ecs_guard_never_gives_is_judged_as_a_value():
    from ecs_guard.rules._secrets import secret_reason

    assert secret_reason("LOG_LEVEL", "ecs-guard:redacted:secret-like name") == "secret-like name"
    assert secret_reason("LOG_LEVEL", "ecs-guard:redacted:anything at all") is None


def test_files_and_folders_are_readable_by_the_owner_only(tmp_path):
    written = write_snapshot(account_read(task_definition_answer()), tmp_path / "new" / "snapshot")
    assert written
    for path in written:
        assert path.stat().st_mode & 0o777 == 0o600, path
    for folder in (tmp_path / "new", tmp_path / "new" / "snapshot", tmp_path / "new" / "snapshot" / REGION):
        assert folder.stat().st_mode & 0o777 == 0o700, folder
    assert sorted(p.name for p in (tmp_path / "new" / "snapshot").iterdir()) == ["ecs-guard-audit.json", REGION]


def test_a_file_is_whole_or_absent_when_the_disk_fills_up(tmp_path):
    """A child process may write at most 4 KB per file (RLIMIT_FSIZE): the
    large task definition cannot be written; it must not be left half-written."""
    script = textwrap.dedent(
        f"""
        import resource, signal, sys
        from pathlib import Path
        sys.path.insert(0, {str(Path(__file__).parent)!r})
        from test_audit_writer import account_read, task_definition_answer
        from ecs_guard.audit.writer import write_snapshot

        big = task_definition_answer("big")
        big["taskDefinition"]["containerDefinitions"][0]["environment"] += [
            {{"name": f"SETTING_{{i}}", "value": "x" * 40}} for i in range(200)
        ]
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))
        try:
            write_snapshot(account_read(task_definition_answer("small"), big), Path(sys.argv[1]))
        except OSError as error:
            print(error.errno)
        """
    )
    done = subprocess.run([sys.executable, "-c", script, str(tmp_path / "s")], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "27"  # EFBIG: the limit was met
    files = sorted(p.relative_to(tmp_path / "s").as_posix() for p in (tmp_path / "s").rglob("*") if p.is_file())
    assert f"{REGION}/describe-task-definition-big-3.json" not in files
    assert f"{REGION}/describe-task-definition-small-3.json" in files
    for name in files:
        assert not Path(name).name.startswith("."), name  # no temporary file left behind
        json.loads((tmp_path / "s" / name).read_text())  # every file there is whole


# ----------------------------------------------------------------- the retry budget


def retrying_handler(delay: float):
    return lambda **_: delay


def test_the_retry_budget_is_one_pool_for_every_call(monkeypatch):
    """Two calls retried in turn spend the pool together; a third call's retry is refused."""
    import ecs_guard.audit.limits as limits_module

    clock = iter([0.0, 0.0, 3.0, 4.0, 4.5])
    monkeypatch.setattr(limits_module.time, "monotonic", lambda: next(clock))
    limits = Limits(retry_seconds=4)
    handler = limits.limit(retrying_handler(1.0))
    first, second, third = ({"context": {}} for _ in range(3))
    assert handler(request_dict=first) == 1.0  # t=0
    assert handler(request_dict=second) == 1.0  # t=0
    assert handler(request_dict=first) == 1.0  # t=3: first's retry took 3 s; 1 s left
    assert handler(request_dict=second) is None  # t=4: second's retry took 4 s; the pool is empty
    assert handler(request_dict=third) is None  # t=4.5: a new call is not retried either
    assert limits.refused == 2 and limits.spent


def test_retries_are_refused_when_the_budget_is_zero_or_the_audit_is_cancelled():
    limits = Limits(retry_seconds=0)
    assert limits.limit(retrying_handler(1.0))(request_dict={"context": {}}) is None
    assert limits.refused == 1
    cancelled = Limits(retry_seconds=60)
    cancelled.cancel()
    assert cancelled.limit(retrying_handler(1.0))(request_dict={"context": {}}) is None
    assert cancelled.limit(retrying_handler(None))(request_dict={"context": {}}) is None  # no retry asked: none


def test_a_retry_is_charged_the_time_its_attempt_took(monkeypatch):
    import ecs_guard.audit.limits as limits_module

    clock = iter([100.0, 105.0, 106.0])
    monkeypatch.setattr(limits_module.time, "monotonic", lambda: next(clock))
    limits = Limits(retry_seconds=6)
    handler = limits.limit(retrying_handler(0.5))
    context = {"context": {}}
    assert handler(request_dict=context) == 0.5  # first failure at t=100: retry after 0.5 s
    assert handler(request_dict=context) == 0.5  # the retry failed at t=105: 5 s charged, 1 s left
    assert handler(request_dict=context) is None  # at t=106: 1 s more charged, nothing left
    assert limits.refused == 1 and limits.spent


# ----------------------------------------------------------------- error lines


def client_error(status: int, code: str, message: str) -> ClientError:
    return ClientError(
        {"Error": {"Code": code, "Message": message}, "ResponseMetadata": {"HTTPStatusCode": status}},
        "DescribeClusters",
    )


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("502", "<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>"),
        ("", "<html>\n<body>\n<h1>502 Bad Gateway</h1>\n</body>\n</html>"),
        ("<html><body>", "</body></html>"),
    ],
)
def test_an_html_error_page_becomes_its_status(code, message):
    assert describe_error(client_error(502, code, message)) == ("HTTP 502 (Bad Gateway)", "")


def test_messages_are_one_line_and_bounded():
    code, message = describe_error(client_error(400, "ValidationException", "first line\nsecond\tline " + "x" * 500))
    assert code == "ValidationException"
    assert "\n" not in message and message.startswith("first line second line x") and len(message) <= 200


def test_a_connection_error_is_named_as_such():
    error = EndpointConnectionError(endpoint_url="http://127.0.0.1:9/")
    assert describe_error(error) == ("ConnectionError", 'Could not connect to the endpoint URL: "http://127.0.0.1:9/"')
