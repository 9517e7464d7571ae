"""Secrets found in input are never printed: this is the one way to show one."""


def redact(value: object) -> str:
    """A fixed mask: no prefix, suffix or length of the secret is revealed."""
    return "****"


# A secret written to a file ecs-guard saves (the live audit's snapshot) is
# replaced by this marker and the reason EG501 gave, so the folder holds no
# secret and can be shared, and a rescan reports the same finding.
REDACTED_PREFIX = "ecs-guard:redacted:"


def redacted_marker(reason: str) -> str:
    """The text saved in place of a secret: ``ecs-guard:redacted:secret-like name``."""
    return f"{REDACTED_PREFIX}{reason}"


def marked_reason(value: str) -> str | None:
    """The reason kept in a redaction marker, or None when `value` is no marker."""
    return value[len(REDACTED_PREFIX) :] if value.startswith(REDACTED_PREFIX) else None
