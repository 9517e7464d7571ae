"""The EG501 secret classifier against RULES.md v1.2, one table row per case:
every "Not secrets" entry, every known format, the placeholders that stand
where a password would be, and the examples of issue 9.

Each row that must not fire is paired with a control that does (the same
name with a literal, or the same value with a password), so a classifier
that never fires fails as surely as one that always does. Secrets here are
test input; tests never print them.
"""

from __future__ import annotations

import pytest
from model_factory import make_container, make_env
from rule_verdicts import findings

from ecs_guard.rules import _secrets

LITERAL = "s3cr3t-Value-9"  # what a secret-like name holding a secret looks like

# Token prefixes are split so that no secret scanner mistakes this file for a leak.
FAKE_JWT = (
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkphbmUifQ."
    "SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"
)
FORMATS = [  # (value, the kind named in the reason)
    ("AKIAIOSFODNN7EXAMPLE", "an AWS access key id"),
    ("key=ASIAIOSFODNN7EXAMPLE;", "an AWS access key id"),
    ("-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\n-----END RSA PRIVATE KEY-----", "a private key"),
    ("-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBg==\n-----END PRIVATE KEY-----", "a private key"),
    ("-----BEGIN PGP PRIVATE KEY BLOCK-----\nlQOYBF==\n-----END PGP PRIVATE KEY BLOCK-----", "a private key"),
    ("gh" + "p_" + "A1b2C3d4E5" * 3 + "f6G7h8", "a GitHub token"),
    ("github" + "_pat_11ABCDEFG0123456789abc_" + "x" * 59, "a GitHub token"),
    ("xox" + "b-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx", "a Slack token"),
    ("sk_" + "live_" + "4eC39HqLyjWDarjtT1zdp7dc", "a Stripe secret key"),
    ("rk_" + "live_" + "4eC39HqLyjWDarjtT1zdp7dc", "a Stripe secret key"),
    (FAKE_JWT, "a JSON Web Token"),
    ("Bearer " + FAKE_JWT, "a JSON Web Token"),
    ("x-" + FAKE_JWT, "a JSON Web Token"),
    ("postgres://app:hunter2@db.internal:5432/app", "a URL with an embedded password"),
    ("redis://:hunter2@cache.internal:6379/0", "a URL with an embedded password"),
    ("amqp://guest:p@ss@mq.internal/vhost", "a URL with an embedded password"),
    ("jdbc:mysql://app:hunter2@db.internal:3306/app", "a URL with an embedded password"),
    ("jdbc:postgresql://db/app?user=app&password=s3cr3t", "a connection string or URL with a password"),
    ("jdbc:sqlserver://db:1433;databaseName=app;user=sa;password=s3cr3t", "a connection string or URL with a pass"),
    ("https://api.example.com/v1?api_key=0123456789abcdef", "a connection string or URL with a password"),
    ("https://hooks.example.com/in?channel=ops&token=0123456789abcdef", "a connection string or URL with a pass"),
    ("wss://stream.example.com/feed?access_token=0123456789abcdef", "a connection string or URL with a password"),
    ("mongodb://db.internal/app?authSource=admin&pwd=s3cr3t", "a connection string or URL with a password"),
    ("Server=db.internal;Database=app;User Id=sa;Password=s3cr3t;", "a connection string or URL with a password"),
    ("Password=s3cr3t;Server=db.internal", "a connection string or URL with a password"),
    ("Driver={ODBC Driver 18};Server=db;UID=sa;PWD=s3cr3t", "a connection string or URL with a password"),
]


@pytest.mark.parametrize(("value", "kind"), FORMATS)
def test_known_formats_fire_whatever_the_name(value, kind):
    for name in ("SETTING", "SECRET_NAME", "DATABASE_URL", "LOG_LEVEL"):
        reason = _secrets.secret_reason(name, value)
        assert reason is not None and reason.startswith(f"value looks like {kind}"), (name, reason)


# Where a password would be, a placeholder, a reference or nothing: no secret. The control is the
# same value with a literal in that position, which fires.
PLACEHOLDER_IN_POSITION = [
    "postgres://app:{}@db.internal:5432/app",
    "jdbc:postgresql://db/app?user=app&password={}",
    "jdbc:sqlserver://db:1433;user=sa;password={}",
    "https://api.example.com/v1?token={}&page=2",
    "Server=db.internal;Database=app;Password={};",
]


@pytest.mark.parametrize("template", PLACEHOLDER_IN_POSITION)
@pytest.mark.parametrize("placeholder", ["${DB_PASSWORD}", "{{x}}", "<password>", "", "{{resolve:ssm:db-pass}}"])
def test_placeholders_where_the_password_would_be_do_not_fire(template, placeholder):
    assert _secrets.secret_format(template.format(placeholder)) is None
    assert _secrets.secret_reason("DATABASE_URL", template.format(placeholder)) is None
    assert _secrets.secret_format(template.format("s3cr3t")) is not None  # the control


@pytest.mark.parametrize(
    "value",
    [
        "https://example.com/path",
        "postgres://app@db.internal:5432/app",
        "sk_test_4eC39HqLyjWDarjtT1zdp7dc",
        "AKIA-not-a-key",
        "gh" + "p_short",
        "https://auth.example.com/oauth?grant_type=password&scope=read",
        "https://auth.example.com/authorize?response_type=token",
        "https://example.com/?password_hint=dog",
        "eyJhbGciOiJIUzI1NiJ9",
        "xeyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.SflKxwRJSMeKKF2QT4fw",
    ],
)
def test_lookalikes_are_not_known_formats(value):
    assert _secrets.secret_format(value) is None


SECRET_LIKE_NAMES = [
    "DB_PASSWORD",
    "MYSQL_ROOT_PASSWD",
    "APP_SECRET",
    "GITHUB_TOKEN",
    "STRIPE_API_KEY",
    "JWT_PRIVATE_KEY",
    "S3_ACCESS_KEY",
    "GOOGLE_CREDENTIALS",
    "dbPassword",
    "api-key",
    "SECRET_KEY_BASE",
    "PASSWORD",
]
ALWAYS_SECRET = ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "ECS_ENGINE_AUTH_DATA", "aws_access_key_id"]


@pytest.mark.parametrize("name", SECRET_LIKE_NAMES + ALWAYS_SECRET)
def test_secret_like_names_with_a_literal_fire(name):
    assert _secrets.is_secret_name(name)
    assert _secrets.secret_reason(name, LITERAL) == "secret-like name"


# RULES.md "Not secrets": values that cannot be a literal secret, under a secret-like name.
NOT_SECRET_VALUES = [
    "",
    "   ",  # empty
    "yes",
    "no",
    "true",
    "false",
    "on",
    "off",
    "0",
    "1",
    "YES",
    "True",
    "Off",  # boolean-like
    "4096",
    "12",
    "-1",
    "0.5",
    "1e6",  # numbers
    "30s",
    "15m",
    "1h30m",
    "500ms",
    "7d",
    "2.5s",  # durations
    "https://auth.example.com/token",
    "http://vault.internal:8200/v1/secret/data/app",  # URLs, no credentials
    "/run/secrets/db",
    "./secrets/db.json",
    "~/.aws/credentials",  # paths
    "/prod/db/password",  # SSM parameter path
    "arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/db-AbCdEf",  # ARNs
    "arn:aws:ssm:eu-west-1:123456789012:parameter/prod/db/password",
    "${DB_PASSWORD}",
    "${DB_USER}:${DB_PASSWORD}",  # ${...} references
    "{{resolve:secretsmanager:prod/db:SecretString:password}}",  # CloudFormation dynamic reference
    "{{DB_PASSWORD}}",
    "<password>",  # template placeholders
]


@pytest.mark.parametrize("value", NOT_SECRET_VALUES)
def test_not_secret_values_under_a_secret_like_name(value):
    assert _secrets.is_secret_name("DB_PASSWORD")  # so a None below is the value's doing
    assert _secrets.not_a_secret(value)
    assert _secrets.secret_reason("DB_PASSWORD", value) is None


@pytest.mark.parametrize(
    "value",
    [
        "hunter2",
        "s3cr3t",
        "hunter2${SUFFIX}",
        "12345abc",
        "30 seconds of hunter2",
        "/K7MDENG+bPxRfiCY==",
        "correct horse battery staple",
        "yes-really-secret",
        "0x1F",
        "off-by-one-pw",
    ],
)
def test_values_that_can_be_secrets(value):
    assert not _secrets.not_a_secret(value)
    assert _secrets.secret_reason("DB_PASSWORD", value) == "secret-like name"


DESCRIBING_SUFFIXES = [
    "NAME",
    "ID",
    "ARN",
    "PATH",
    "FILE",
    "DIR",
    "URL",
    "URI",
    "ENDPOINT",
    "HOST",
    "PORT",
    "LENGTH",
    "SIZE",
    "COUNT",
    "MIN",
    "MAX",
    "TTL",
    "TIMEOUT",
    "EXPIRY",
    "ENABLED",
    "TYPE",
    "HEADER",
    "FIELD",
    "PARAM",
    "REGION",
    "VERSION",
]


@pytest.mark.parametrize("suffix", DESCRIBING_SUFFIXES)
def test_a_name_whose_last_word_describes_the_secret_is_not_secret_like(suffix):
    for name in (f"DB_PASSWORD_{suffix}", f"api-token-{suffix.lower()}", f"dbSecret{suffix.capitalize()}"):
        assert not _secrets.is_secret_name(name), name
        assert _secrets.secret_reason(name, "prod-db-master") is None, name
        # a known format in its value still fires
        assert _secrets.secret_reason(name, "postgres://app:hunter2@db/app") is not None, name
    assert _secrets.is_secret_name(f"DB_PASSWORD_{suffix}_VALUE")  # only the last word counts


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("MAX_TOKENS", "4096"),
        ("PASSWORD_MIN_LENGTH", "12"),
        ("TOKEN_URL", "https://auth.example.com/token"),
        ("SECRET_NAME", "prod/db/password"),
        ("SECRET_FILE", "/run/secrets/db"),
        ("MYSQL_ALLOW_EMPTY_PASSWORD", "yes"),
        ("SESSION_TOKEN_TTL", "15m"),
        ("DB_PASSWORD_SECRET_ARN", "arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/api/db-AbCdEf"),
    ],
)
def test_issue_examples_that_must_not_fire(name, value):
    assert _secrets.secret_reason(name, value) is None


def test_issue_examples_that_must_fire():
    assert _secrets.secret_reason("DATABASE_URL", "jdbc:postgresql://db/app?user=app&password=s3cr3t") is not None
    assert _secrets.secret_reason("SECRET_NAME", "AKIAIOSFODNN7EXAMPLE") == "value looks like an AWS access key id"
    assert _secrets.secret_reason("MAX_TOKENS", "mytoken-abc") == "secret-like name"  # TOKENS is not a describing word


def test_ordinary_names_with_ordinary_values_do_not_fire():
    for name in ("DB_HOST", "LOG_LEVEL", "PORT", "NODE_ENV", "AWS_REGION", "KEYCLOAK_REALM"):
        assert not _secrets.is_secret_name(name)
        assert _secrets.secret_reason(name, "production") is None


def test_a_value_is_judged_once_whoever_asks(monkeypatch):
    """Several names, several callers, one scan of the value (judge_value is cached)."""
    calls = []
    real = _secrets.secret_format
    monkeypatch.setattr(_secrets, "secret_format", lambda value: calls.append(value) or real(value))
    _secrets.judge_value.cache_clear()
    value = "x" * 1000 + "-not-a-secret-format"
    for name in ("DB_PASSWORD", "API_TOKEN", "LOG_LEVEL"):
        _secrets.secret_reason(name, value)
    assert len(calls) == 1
    _secrets.secret_reason("DB_PASSWORD", value + "!")
    assert len(calls) == 2


# ----------------------------------------------------------------- the rule's message


@pytest.mark.parametrize("value", [v for v, _ in FORMATS] + ["correct-horse-battery-staple", "hunter2"])
def test_the_finding_message_never_contains_the_secret(value):
    [finding] = findings("EG501", make_container(environment=(make_env("API_TOKEN", value),)))
    assert "API_TOKEN" in finding.message and "****" in finding.message
    assert value not in finding.message
    secret_part = value.rpartition("=")[2].rstrip(";") if "=" in value else value
    for piece in {secret_part, value[:8], value[-8:], secret_part[:6], secret_part[-6:]}:
        assert piece not in finding.message, "a piece of the secret reached the message"


def test_the_rule_fires_on_the_issue_examples_and_nothing_else():
    env = [
        make_env(name, value, line=line)
        for line, (name, value) in enumerate(
            [
                ("MAX_TOKENS", "4096"),
                ("PASSWORD_MIN_LENGTH", "12"),
                ("TOKEN_URL", "https://auth.example.com/token"),
                ("SECRET_NAME", "prod/db/password"),
                ("DATABASE_URL", "jdbc:postgresql://db/app?user=app&password=s3cr3t"),
                ("DB_PASSWORD", "hunter2"),
            ],
            start=10,
        )
    ]
    found = findings("EG501", make_container(environment=tuple(env)))
    assert sorted(f.location.line for f in found) == [14, 15]


def test_a_long_run_of_digits_is_a_key_not_a_number():
    assert _secrets.secret_reason("DB_PASSWORD", "4096") is None
    assert _secrets.secret_reason("DB_PASSWORD", "7" * 100) == "secret-like name"
    assert _secrets.secret_reason("DB_PASSWORD", "1h" * 50) == "secret-like name"
