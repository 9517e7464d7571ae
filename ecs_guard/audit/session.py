"""AWS configuration for the audit: the standard chain, nothing of our own.

Profiles, AWS_PROFILE, SSO, credential processes and AWS_ENDPOINT_URL are
all boto3's business; the audit only picks the profile the user named, adds
adaptive retries (the audit makes bursts of Describe calls that AWS
throttles) under one time budget for the whole audit (limits.py), and
decides which regions to read: a region named with --region must be one
botocore knows, checked before any call is made.
"""

from __future__ import annotations

import re
import threading

from ecs_guard import __version__
from ecs_guard.audit.calls import CallLog
from ecs_guard.audit.limits import Limits, limit_retries

MAX_ATTEMPTS = 10
IDENTITY_ATTEMPTS = 3  # the first call: an endpoint that cannot be reached is said so quickly
HOME_REGION = "us-east-1"  # for the account-wide calls when no region is configured


class AuditError(Exception):
    """The audit cannot start or go on at all (no credentials, unknown
    profile, expired SSO session, no way to list regions): one clear line."""


class Aws:
    """One boto3 session shared by every thread; clients are made under a
    lock (a boto3 Session is not thread-safe, its clients are) and every
    client reports its calls to the CallLog."""

    def __init__(self, profile: str | None, log: CallLog, limits: Limits | None = None) -> None:
        import boto3
        from botocore.config import Config
        from botocore.exceptions import BotoCoreError

        try:
            self.session = boto3.Session(profile_name=profile)
        except BotoCoreError as error:  # ProfileNotFound and friends
            raise AuditError(str(error)) from None
        self.log = log
        self.limits = limits or Limits()
        self._lock = threading.Lock()
        self._config = Config(
            retries={"mode": "adaptive", "max_attempts": MAX_ATTEMPTS},
            user_agent_extra=f"ecs-guard/{__version__}",
            connect_timeout=10,
            read_timeout=60,
            max_pool_connections=16,
        )

    @property
    def home_region(self) -> str:
        return self.session.region_name or HOME_REGION

    def client(self, service: str, region: str, label: str | None = None, max_attempts: int = MAX_ATTEMPTS):
        """A client for `service` in `region`; its calls are counted under `label` (default: the region),
        its retries are charged to the audit's budget, and it makes no call once the audit is cancelled."""
        with self._lock:
            client = self.session.client(service, region_name=region, config=self._config)
        self.log.attach(client, label or region)
        limit_retries(client, self.limits, max_attempts)
        return client

    def account_id(self) -> str:
        """The account the credentials belong to. Any failure here means no
        call can succeed (no or expired credentials), so it stops the audit."""
        from botocore.exceptions import BotoCoreError, ClientError

        from ecs_guard.audit.calls import describe_error, is_connection_error

        sts = self.client("sts", self.home_region, max_attempts=IDENTITY_ATTEMPTS)
        try:
            return sts.get_caller_identity()["Account"]
        except (BotoCoreError, ClientError) as error:
            if is_connection_error(error):
                code, message = describe_error(error)
                raise AuditError(f"cannot reach AWS ({code}): {message}") from None
            raise AuditError(f"cannot use the AWS credentials: {_credentials_hint(error)}") from None

    def regions(self, requested: list[str] | None) -> list[str]:
        """The regions to read: those given with --region, else every region
        enabled for the account (ec2:DescribeRegions, opt-in regions included
        once opted in)."""
        if requested:
            check_regions(requested)
            return list(dict.fromkeys(requested))
        from botocore.exceptions import BotoCoreError, ClientError

        ec2 = self.client("ec2", self.home_region)
        try:
            answer = ec2.describe_regions(AllRegions=False)
        except (BotoCoreError, ClientError) as error:
            failure = self.log.failed(ec2, self.home_region, "DescribeRegions", error)
            raise AuditError(f"cannot list the enabled regions ({failure}); name them with --region") from None
        return sorted(r["RegionName"] for r in answer["Regions"])


def check_regions(regions: list[str]) -> None:
    """Every region must be one botocore's endpoint data names, or have the
    form of its partition's regions (a region newer than the installed
    botocore): a typo is an error before any call, not a minute of retries."""
    from botocore.loaders import create_loader

    partitions = create_loader().load_data("endpoints").get("partitions", [])
    known = {name for p in partitions for name in p.get("regions", {})}
    patterns = [re.compile(p["regionRegex"]) for p in partitions if p.get("regionRegex")]
    unknown = [r for r in regions if r not in known and not any(p.match(r) for p in patterns)]
    if unknown:
        raise AuditError(
            f"--region {unknown[0]}: no such AWS region (regions look like eu-west-1, us-gov-west-1, cn-north-1)"
        )


def _credentials_hint(error: Exception) -> str:
    from ecs_guard.audit.calls import describe_error

    code, message = describe_error(error)
    name = type(error).__name__
    if "SSO" in name:  # SSOTokenLoadError, UnauthorizedSSOTokenError, SSOError
        return f"{error} (run `aws sso login` for this profile)"
    if name == "NoCredentialsError":
        return "no credentials found (set AWS_PROFILE, use --profile, or configure credentials)"
    return f"{code}: {message}" if message else code
