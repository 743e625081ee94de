"""Field types shared by every kind: account ids, regions, role ARNs, durations."""

from __future__ import annotations

import re
from typing import Annotated, Any

from atmos_auth.config.schema import BaseModel, BeforeValidator, ConfigDict

# ASCII only, and matched whole (`$` alone would also take a trailing line break): full-width digits
# or a newline in an account id would otherwise pass, and reach AWS or a file.
ACCOUNT_ID = re.compile(r"[0-9]{12}", re.ASCII)
REGION = re.compile(r"[a-z]{2,4}(-[a-z]+)+-[0-9]{1,2}", re.ASCII)
ROLE_ARN = re.compile(r"arn:aws[a-z-]*:iam::[0-9]{12}:role/[\w+=,.@/-]{1,512}", re.ASCII)
DURATION = re.compile(r"(?:([0-9]+)d)?(?:([0-9]+)h)?(?:([0-9]+)m)?(?:([0-9]+)s)?", re.ASCII)

KNOWN_REGIONS = ["us-east-1", "us-east-2", "us-west-1", "us-west-2", "af-south-1", "ap-east-1", "ap-south-1", "ap-south-2", "ap-southeast-1", "ap-southeast-2", "ap-southeast-3", "ap-southeast-4", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ca-central-1", "ca-west-1", "eu-central-1", "eu-central-2", "eu-west-1", "eu-west-2", "eu-west-3", "eu-south-1", "eu-south-2", "eu-north-1", "il-central-1", "me-south-1", "me-central-1", "sa-east-1", "us-gov-west-1", "us-gov-east-1", "cn-north-1", "cn-northwest-1"]


class Strict(BaseModel):
    """Base of every configuration model: unknown fields are errors, values are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


def _account_id(value: Any) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not ACCOUNT_ID.fullmatch(value):
        raise ValueError(f'must be 12 digits, got "{value}"')
    return value


def _region(value: Any) -> str:
    if not isinstance(value, str) or not REGION.fullmatch(value):
        raise ValueError(f'must be an AWS region such as us-east-2, got "{value}"')
    return value


def _role_arn(value: Any) -> str:
    if not isinstance(value, str) or not ROLE_ARN.fullmatch(value):
        raise ValueError(f'must be an IAM role ARN such as arn:aws:iam::123456789012:role/Name, got "{value}"')
    return value


def parse_duration(value: Any) -> int:
    """Seconds from 3600, "3600", "1h", "1h30m", "1d"."""
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value
    if isinstance(value, str):
        text = value.strip()
        if text.isascii() and text.isdigit() and 0 < len(text) < 10 and int(text) > 0:
            return int(text)
        match = DURATION.fullmatch(text)
        if text and match and any(match.groups()):
            d, h, m, s = (int(g or 0) for g in match.groups())
            total = d * 86400 + h * 3600 + m * 60 + s
            if total > 0:
                return total
    raise ValueError(f'must be a duration such as 3600, "1h" or "12h30m", got "{value}"')


AccountId = Annotated[str, BeforeValidator(_account_id)]
Region = Annotated[str, BeforeValidator(_region)]
RoleArn = Annotated[str, BeforeValidator(_role_arn)]
Duration = Annotated[int, BeforeValidator(parse_duration)]


class Session(Strict):
    duration: Duration | None = None
