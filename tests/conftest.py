"""Shared fixtures. The moto server and the seeded account are session-wide
and lazy: they start only when a test asks for them (the audit tests), and
nothing heavy is imported before that."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def moto(tmp_path_factory):
    """A moto server on 127.0.0.1, with AWS managed policies loaded."""
    from moto_server import MotoServer

    server = MotoServer.start(tmp_path_factory.mktemp("moto"))
    yield server
    server.stop()


@pytest.fixture(scope="session")
def account(moto):
    """The realistic two-region account (tests/audit_account.py) and what the audit must find in it."""
    from audit_account import seed_account

    return seed_account(moto.url)


@pytest.fixture(scope="session")
def auditor(moto, account):
    """Credentials of an IAM user allowed exactly docs/iam-policy.json, in the realistic account."""
    from audit_account import ACCOUNT, audit_policy, create_auditor

    return create_auditor(moto.url, "auditor", audit_policy(), ACCOUNT)


@pytest.fixture(scope="session")
def empty_auditor(moto):
    """The same user in an account with nothing in it."""
    from audit_account import EMPTY_ACCOUNT, audit_policy, create_auditor

    return create_auditor(moto.url, "auditor", audit_policy(), EMPTY_ACCOUNT)
