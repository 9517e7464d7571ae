"""Whether a literal `environment` entry of a container holds a secret (EG501).

Two ways to be a secret, as RULES.md (v1.2) defines them:
- a secret-like name (PASSWORD, TOKEN, API_KEY, ...) with a non-empty
  literal value that can be a secret; a name whose last word describes the
  secret rather than holding it (SECRET_NAME, TOKEN_URL, PASSWORD_MIN_LENGTH)
  is not secret-like;
- a value in a known secret format (AWS access key id, private key block,
  GitHub / Slack / Stripe tokens, JWT, a URL or connection string with an
  embedded password), whatever the name.
"Not secrets" are values that only point at a secret or cannot be one:
ARNs, SSM parameter paths and other paths, URLs without credentials,
`${...}` references, CloudFormation `{{resolve:...}}`, template placeholders
(`{{DB_PASSWORD}}`, `<password>`), boolean-like switches
(MYSQL_ALLOW_EMPTY_PASSWORD=yes), numbers and durations. References written
as expressions (Value.literal False) never reach this module: the rule skips
them.

Linear time. Values are hostile input (a certificate, a JSON blob, 10 MB
on one line), and Python's `re` backtracks, so every pattern here is either
of bounded length at each start (fixed-width tokens), anchored at one start
(`fullmatch`), or replaced by a scan that never looks at a character twice
(URLs, JWTs, `password=` parameters continue after what they consumed). A
value is judged once: `judge_value` is cached, so every caller asking about
the same value (several rules, adapters, names) shares one scan.

Nothing here ever returns or formats the value itself: the reasons name
only the kind of secret, so they are safe to put in a message.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from ecs_guard.redact import marked_reason

# Matched against the name with separators removed and upper-cased, so that
# DB_PASSWORD, db-password, dbPassword and DBPASSWORD are all the same name.
SECRET_NAME_PARTS = ("PASSWORD", "PASSWD", "SECRET", "TOKEN", "API_KEY", "PRIVATE_KEY", "ACCESS_KEY", "CREDENTIAL")
ALWAYS_SECRET_NAMES = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "ECS_ENGINE_AUTH_DATA")
SECRET_LIKE_NAME = "secret-like name"
# A name ending in one of these words names, locates or sizes a secret: SECRET_NAME, TOKEN_URL.
DESCRIBING_LAST_WORDS = frozenset(
    {
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
    }
)

# Fixed-width tokens: each start costs a bounded number of steps, so a search is linear.
KNOWN_FORMATS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("an AWS access key id", re.compile(r"(?<![A-Z0-9])(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}(?![A-Z0-9])")),
    ("a private key", re.compile(r"-----BEGIN [A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?-----")),
    ("a GitHub token", re.compile(r"(?<![A-Za-z0-9])(?:gh[pousr]_[A-Za-z0-9]{36}|github_pat_[A-Za-z0-9_]{22})")),
    ("a Slack token", re.compile(r"(?<![A-Za-z0-9])xox[abposr]-[A-Za-z0-9-]{10}")),
    ("a Stripe secret key", re.compile(r"(?<![A-Za-z0-9])[sr]k_live_[A-Za-z0-9]{16}")),
)
JWT = "a JSON Web Token"
URL_WITH_PASSWORD = "a URL with an embedded password"
CREDENTIAL_PARAMETER = "a connection string or URL with a password or token parameter"

# Keys whose value in a URL query (`?password=`, `&token=`), a JDBC URL (`;password=`) or a
# connection string (`Password=...;`) is a credential. Matched case-insensitively.
CREDENTIAL_KEYS = ("password", "passwd", "pwd", "token", "access_token", "api_key", "apikey")
_CREDENTIAL_KEY = re.compile(r"(?:^|(?<=[?&;]))[ \t]*(?:" + "|".join(CREDENTIAL_KEYS) + r")[ \t]*=", re.IGNORECASE)
_PARAMETER_VALUE = re.compile(r"[^&;\s]*")
_AUTHORITY = re.compile(r"[^/\s]*")  # after "://": user:password@host:port, up to the path
_SCHEME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+.-")
_BASE64URL_RUN = re.compile(r"[A-Za-z0-9_-]*")
_JWT_SIGNATURE = re.compile(r"[A-Za-z0-9_-]{16}")
_ALPHANUMERIC = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")

# Whole-value "not secrets", each matched at one start only (fullmatch) and unambiguous.
SHORT_VALUE = 64
BOOLEAN_LIKE = frozenset({"yes", "no", "true", "false", "on", "off", "0", "1"})
ARN = re.compile(r"arn:[a-z-]+:[a-z0-9-]+:")
PATH = re.compile(r"(?:~|\.\.?)?/[A-Za-z0-9_./-]*")  # /run/secrets/db, SSM /prod/db/password
NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")  # 4096, 12, 0.5, 1e6
DURATION = re.compile(r"(?:\d+(?:\.\d+)?(?:ns|us|µs|ms|s|sec|secs|m|min|mins|h|hr|hrs|d|w))+")  # 30s, 1h30m
URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://\S*")  # judged after the credential checks
# ${VAR}, {{resolve:...}} and {{DB_PASSWORD}}, <password>
PLACEHOLDER = re.compile(r"\$\{[^{}]*\}|\{\{[^{}]*\}\}|<[^<>\s]+>")


@dataclass(frozen=True)
class ValueVerdict:
    """What a value is, whatever its name: the known secret format it holds
    (None: none), and whether it could be a secret at all under a
    secret-like name (False for the "Not secrets")."""

    format: str | None
    could_be_secret: bool


def secret_reason(name: str, value: str) -> str | None:
    """Why this literal environment entry holds a secret ("secret-like
    name", "value looks like an AWS access key id", ...), or None.
    A value the live audit saved redacted carries the reason it was
    judged with then (ecs_guard.redact), so a rescan gives the same finding."""
    marked = marked_reason(value)
    if marked in _REASONS:
        return marked
    verdict = judge_value(value)
    if verdict.format:
        return f"value looks like {verdict.format}"
    if verdict.could_be_secret and is_secret_name(name):
        return SECRET_LIKE_NAME
    return None


@functools.lru_cache(maxsize=1024)  # one scan per value, however many callers ask about it
def judge_value(value: str) -> ValueVerdict:
    kind = secret_format(value)
    return ValueVerdict(format=kind, could_be_secret=kind is not None or not not_a_secret(value))


@functools.lru_cache(maxsize=4096)  # a large estate repeats the same few names thousands of times
def is_secret_name(name: str) -> bool:
    compact = _compact(name)
    if compact in _COMPACT_ALWAYS:
        return True
    if _last_word(name) in DESCRIBING_LAST_WORDS:
        return False
    return any(part in compact for part in _COMPACT_PARTS)


def secret_format(value: str) -> str | None:
    """The known secret format the value contains, or None."""
    for kind, pattern in KNOWN_FORMATS:
        if pattern.search(value):
            return kind
    if _has_jwt(value):
        return JWT
    if _has_url_password(value):
        return URL_WITH_PASSWORD
    if _has_credential_parameter(value):
        return CREDENTIAL_PARAMETER
    return None


def not_a_secret(value: str) -> bool:
    """Values that cannot be a literal secret: empty, boolean-like, a number
    or duration, a path or a URL (without credentials: see secret_format),
    or a pointer to a secret kept elsewhere."""
    text = value.strip()
    short = len(text) <= SHORT_VALUE  # numbers and durations are short: 200 digits are a key, not a count
    return (
        not text
        or text.lower() in BOOLEAN_LIKE
        or bool(ARN.match(text))
        or is_placeholder(text)
        or (short and (bool(NUMBER.fullmatch(text)) or bool(DURATION.fullmatch(text))))
        or bool(PATH.fullmatch(text))
        or bool(URL.fullmatch(text))
    )


def is_placeholder(text: str) -> bool:
    """Only references and placeholders, with at most punctuation between
    them (`${DB_USER}:${DB_PASS}`): nothing literal is left."""
    rest, count = PLACEHOLDER.subn("", text)
    return count > 0 and not any(ch.isalnum() for ch in rest)


def _is_literal_credential(text: str) -> bool:
    """A password or token written in a URL or connection string: not empty,
    not `${DB_PASSWORD}`, `{{x}}` or `<password>`."""
    text = text.strip()
    return bool(text) and not is_placeholder(text)


def _has_url_password(value: str) -> bool:
    """`scheme://user:password@host` with a literal password. Each authority
    is read once: the search continues after it."""
    start = 0
    while (found := value.find("://", start)) >= 0:
        authority_end = _AUTHORITY.match(value, found + 3).end()  # type: ignore[union-attr]  # matches ""
        start = max(authority_end, found + 3)
        if found == 0 or value[found - 1] not in _SCHEME_CHARS:
            continue
        userinfo, at, _host = value[found + 3 : authority_end].rpartition("@")
        if at and ":" in userinfo and _is_literal_credential(userinfo.partition(":")[2]):
            return True
    return False


def _has_credential_parameter(value: str) -> bool:
    """`?password=...`, `&token=...`, `;password=...` (JDBC) or `Password=...;`
    with a literal value. The search continues after each value, so a value
    full of `password=` is read once."""
    start = 0
    while match := _CREDENTIAL_KEY.search(value, start):
        value_end = _PARAMETER_VALUE.match(value, match.end()).end()  # type: ignore[union-attr]  # matches ""
        if _is_literal_credential(value[match.end() : value_end]):
            return True
        start = max(value_end, match.end())
        if start >= len(value):
            break
    return False


def _has_jwt(value: str) -> bool:
    """`eyJ<8+>.eyJ<8+>.<16+>` in base64url, the header starting after a
    non-alphanumeric character. Each run of base64url characters is read at
    most twice (as a header, then as the payload after it): the earliest
    `eyJ` of a run has the longest header, so later ones are skipped."""
    start = 0
    while (found := value.find("eyJ", start)) >= 0:
        if found > 0 and value[found - 1] in _ALPHANUMERIC:
            start = found + 1  # inside a word (checked before reading on): a later eyJ may still start one
            continue
        header_end = _BASE64URL_RUN.match(value, found + 3).end()  # type: ignore[union-attr]  # matches ""
        start = max(header_end, found + 3)
        if header_end - found < 11 or not value.startswith(".eyJ", header_end):
            continue
        payload_end = _BASE64URL_RUN.match(value, header_end + 4).end()  # type: ignore[union-attr]
        if (
            payload_end - header_end - 1 >= 11
            and value.startswith(".", payload_end)
            and _JWT_SIGNATURE.match(value, payload_end + 1)
        ):
            return True
    return False


def _compact(name: str) -> str:
    return _NOT_ALPHANUMERIC.sub("", name.upper())


def _last_word(name: str) -> str:
    """The last word of DB_PASSWORD_FILE, db-password-file or dbPasswordFile, upper-cased."""
    words = _WORD.findall(name)
    return words[-1].upper() if words else ""


_NOT_ALPHANUMERIC = re.compile(r"[^A-Z0-9]")
_WORD = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+")
_COMPACT_PARTS = tuple(_compact(part) for part in SECRET_NAME_PARTS)
_COMPACT_ALWAYS = frozenset(_compact(name) for name in ALWAYS_SECRET_NAMES)
# Every reason secret_reason gives: the only ones a redaction marker may carry.
_REASONS = frozenset(
    [SECRET_LIKE_NAME]
    + [f"value looks like {kind}" for kind, _ in KNOWN_FORMATS]
    + [f"value looks like {kind}" for kind in (JWT, URL_WITH_PASSWORD, CREDENTIAL_PARAMETER)]
)
