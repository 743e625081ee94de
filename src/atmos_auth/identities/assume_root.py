"""aws/assume-root: a root session in a member account (sts:AssumeRoot) from the previous identity, for one
of AWS's root tasks (cloudposse/atmos pkg/auth/identities/aws/assume_root.go)."""

from __future__ import annotations

from typing import Any, Literal

from atmos_auth.aws import client, local_expiry, translate
from atmos_auth.config.model import IdentityConfig
from atmos_auth.config.schema import field_validator
from atmos_auth.config.types import AccountId, Duration, Region, Strict
from atmos_auth.credentials import Credentials, Secret
from atmos_auth.errors import AccessDenied, AuthError
from atmos_auth.logs import log

KIND = "aws/assume-root"
POLICY_PREFIX = "arn:aws:iam::aws:policy/root-task/"
#: AWS's managed root-task policies (the only ones AssumeRoot takes).
ROOT_TASKS = ("IAMAuditRootUserCredentials", "IAMCreateRootUserPassword", "IAMDeleteRootUserCredentials",
              "S3UnlockBucketPolicy", "SQSUnlockQueuePolicy")
MAX_SECONDS = 900  # AssumeRoot's limit: 15 minutes


class Principal(Strict):
    target_principal: AccountId
    task_policy_arn: str
    duration: Duration | None = None
    region: Region | None = None

    @field_validator("task_policy_arn")
    @classmethod
    def _root_task(cls, value: str) -> str:
        if not value.startswith(POLICY_PREFIX):  # Atmos checks the prefix only; AWS checks the rest
            raise ValueError(f"must be a root-task policy ({POLICY_PREFIX}<task>: {', '.join(ROOT_TASKS)}), "
                             f'got "{value}"')
        return value


class Config(IdentityConfig):
    kind: Literal["aws/assume-root"]
    principal: Principal


class AssumeRootIdentity:
    def __init__(self, name: str, config: Config) -> None:
        self.name = name
        self.config = config

    def authenticate(self, source: Secret | None) -> Credentials:
        if not isinstance(source, Credentials):
            raise AuthError("aws/assume-root needs AWS credentials from the previous identity (`via.identity`)",
                            identity=self.name)
        p = self.config.principal
        region = p.region or source.region or "us-east-1"
        params: dict[str, Any] = {"TargetPrincipal": p.target_principal, "TaskPolicyArn": {"arn": p.task_policy_arn}}
        if p.duration:
            if p.duration > MAX_SECONDS:  # as Atmos: capped, with a warning
                log.warning("identity %s: duration %ds is above AssumeRoot's 15 minutes; 15 minutes are asked for",
                            self.name, p.duration)
            params["DurationSeconds"] = min(p.duration, MAX_SECONDS)
        sts = client("sts", region, source, endpoint=self.config.endpoint)
        try:
            out = sts.assume_root(**params)
        except Exception as exc:
            error = translate(exc, identity=self.name, step=self.name, action="sts:AssumeRoot")
            if isinstance(error, AccessDenied):
                error.remedy = (f"{source.principal or 'the previous identity'} may not take a root session in "
                                f"{p.target_principal} for {p.task_policy_arn.removeprefix(POLICY_PREFIX)}: it must "
                                "be the organization's management account or a delegated administrator for root "
                                "access, and the account a member")
            raise error from None
        c = out["Credentials"]
        return Credentials(access_key_id=c["AccessKeyId"], secret_access_key=c["SecretAccessKey"],
                           session_token=c["SessionToken"], expires_at=local_expiry(out, c["Expiration"]),
                           region=region, account_id=p.target_principal,
                           principal=f"arn:aws:iam::{p.target_principal}:root")


def build(name: str, config: Config, ctx: object, previous: object) -> AssumeRootIdentity:
    return AssumeRootIdentity(name, config)
