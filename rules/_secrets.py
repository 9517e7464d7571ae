"""Whether a literal `environment` entry of a container holds a secret (EG501).

Two ways to be a secret, as RULES.md defines them:
- a secret-like name (PASSWORD, TOKEN, API_KEY, ...) with a non-empty
  literal value;
- a value in a known secret format (AWS access key id, private key block,
  GitHub / Slack / Stripe tokens, JWT, URL with an embedded password),
  whatever the name.
Values that only point at a secret are never secrets: ARNs, SSM parameter
paths, `${...}` references, CloudFormation `{{resolve:...}}`, template
placeholders (`{{DB_PASSWORD}}`, `<password>`), and boolean-like switches
such as MYSQL_ALLOW_EMPTY_PASSWORD=yes. References written as expressions
(Value.literal False) never reach this module: the rule skips them.

Nothing here ever returns or formats the value itself: the reasons name
only the kind of secret, so they are safe to put in a message.
"""

from __future__ import annotations

import functools
import re

# Matched against the name with separators removed and upper-cased, so that
# DB_PASSWORD, db-password, dbPassword and DBPASSWORD are all the same name.
SECRET_NAME_PARTS = ("PASSWORD", "PASSWD", "SECRET", "TOKEN", "API_KEY", "PRIVATE_KEY", "ACCESS_KEY", "CREDENTIAL")
ALWAYS_SECRET_NAMES = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "ECS_ENGINE_AUTH_DATA")

KNOWN_FORMATS: tuple[tuple[str, re.Pattern], ...] = (
    ("an AWS access key id", re.compile(r"(?<![A-Z0-9])(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}(?![A-Z0-9])")),
    ("a private key", re.compile(r"-----BEGIN [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----")),
    ("a GitHub token", re.compile(r"(?<![A-Za-z0-9])(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})")),
    ("a Slack token", re.compile(r"(?<![A-Za-z0-9])xox[abposr]-[A-Za-z0-9-]{10,}")),
    ("a Stripe secret key", re.compile(r"(?<![A-Za-z0-9])[sr]k_live_[A-Za-z0-9]{16,}")),
    ("a JSON Web Token", re.compile(r"(?<![A-Za-z0-9])eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{16,}")),
)
URL_WITH_PASSWORD = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://[^/\s:@]*:(?P<password>[^/\s@]+)@")

BOOLEAN_LIKE = frozenset({"yes", "no", "true", "false", "0", "1"})
ARN = re.compile(r"^arn:[a-z-]+:[a-z0-9-]+:")
SSM_PARAMETER_PATH = re.compile(r"^(?:/[A-Za-z0-9_.\-]+)+$")
# ${VAR}, {{resolve:...}} and {{DB_PASSWORD}}, <password>
PLACEHOLDER = re.compile(r"\$\{[^{}]*\}|\{\{[^{}]*\}\}|<[^<>\s]+>")


def secret_reason(name: str, value: str) -> str | None:
    """Why this literal environment entry holds a secret ("secret-like
    name", "an AWS access key id", ...), or None when it does not."""
    if not_a_secret(value):
        return None
    kind = secret_format(value)
    if kind:
        return f"value looks like {kind}"
    if is_secret_name(name):
        return "secret-like name"
    return None


@functools.lru_cache(maxsize=4096)  # a large estate repeats the same few names thousands of times
def is_secret_name(name: str) -> bool:
    compact = _compact(name)
    return any(part in compact for part in _COMPACT_PARTS) or compact in _COMPACT_ALWAYS


def secret_format(value: str) -> str | None:
    """The known secret format the value contains, or None."""
    for kind, pattern in KNOWN_FORMATS:
        if pattern.search(value):
            return kind
    for match in URL_WITH_PASSWORD.finditer(value):
        if not is_placeholder(match.group("password")):
            return "a URL with an embedded password"
    return None


def not_a_secret(value: str) -> bool:
    """Values that cannot be a literal secret: empty, boolean-like, or a
    pointer to a secret kept elsewhere."""
    text = value.strip()
    return (
        not text
        or text.lower() in BOOLEAN_LIKE
        or bool(ARN.match(text))
        or bool(SSM_PARAMETER_PATH.match(text))
        or is_placeholder(text)
    )


def is_placeholder(text: str) -> bool:
    """Only references and placeholders, with at most punctuation between
    them (`${DB_USER}:${DB_PASS}`): nothing literal is left."""
    rest, count = PLACEHOLDER.subn("", text)
    return count > 0 and not any(ch.isalnum() for ch in rest)


def _compact(name: str) -> str:
    return _NOT_ALPHANUMERIC.sub("", name.upper())


_NOT_ALPHANUMERIC = re.compile(r"[^A-Z0-9]")
_COMPACT_PARTS = tuple(_compact(part) for part in SECRET_NAME_PARTS)
_COMPACT_ALWAYS = frozenset(_compact(name) for name in ALWAYS_SECRET_NAMES)
