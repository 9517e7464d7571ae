"""ecs_guard.redact: the one way a secret is shown. It must reveal nothing of
the value (no prefix, suffix, length or kind) and cost the same for a 10 MB
value as for a short one: it never reads the value."""

from __future__ import annotations

import pytest

from ecs_guard.redact import redact


class Unreadable:
    """A value that fails if anything looks at it (str, len, iteration)."""

    def __str__(self) -> str:
        raise AssertionError("redact read the value")

    __repr__ = __str__

    def __len__(self) -> int:
        raise AssertionError("redact measured the value")


@pytest.mark.parametrize("value", ["", "a", "hunter2", "x" * 10_000_000, "postgres://app:s3cr3t@db/app", None, 4096])
def test_every_value_gives_the_same_mask(value: object) -> None:
    assert redact(value) == "****"


def test_the_mask_shares_nothing_with_the_value() -> None:
    value = "Tr0ub4dor&3-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789"
    assert not set(redact(value)) & set(value)


def test_redact_never_reads_the_value() -> None:
    """So it is constant time (linear at worst) in the value's size, and a
    value that cannot be turned into text cannot break a finding."""
    assert redact(Unreadable()) == "****"
