"""Secrets found in input are never printed: this is the one way to show one."""


def redact(value: object) -> str:
    """A fixed mask: no prefix, suffix or length of the secret is revealed."""
    return "****"
