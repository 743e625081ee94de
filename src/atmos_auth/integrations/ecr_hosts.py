"""Private ECR registry hosts in every partition: parse, validate, build, and pick the API endpoint."""

from __future__ import annotations

import re
from dataclasses import dataclass

from atmos_auth.errors import RegistryError

EXPECTED_FORM = "{account_id}.dkr.ecr.{region}.amazonaws.com"

# ASCII digits only; the region must be a host label botocore accepts (not all digits, no edge hyphen,
# at most 63 characters: botocore.utils.validate_region_name).
_HOST = re.compile(
    r"^(?P<account>[0-9]{12})\.dkr(?P<sep>[.-])ecr(?P<fips>-fips)?\."
    r"(?P<region>(?![0-9]+\.)(?!-)[a-z0-9-]{1,63}(?<!-))\."
    r"(?P<suffix>amazonaws\.com(?:\.cn)?|amazonaws\.eu|on\.aws|on\.amazonwebservices\.com\.cn"
    r"|c2s\.ic\.gov|sc2s\.sgov\.gov|cloud\.adc-e\.uk|csp\.hci\.ic\.gov)$"
)
PUBLIC_HOSTS = {"public.ecr.aws", "ecr-public.aws.com"}
#: The ECR Public registry Docker logs in to; its tokens come from ecr-public in us-east-1 only.
PUBLIC_HOST = "public.ecr.aws"
PUBLIC_REGION = "us-east-1"

#: Region prefix → DNS suffix of the partition's registry hosts (commercial otherwise).
_PARTITION_SUFFIX = (
    ("cn-", "amazonaws.com.cn"),
    ("us-isob-", "sc2s.sgov.gov"),
    ("us-isof-", "csp.hci.ic.gov"),
    ("eu-isoe-", "cloud.adc-e.uk"),
    ("us-iso-", "c2s.ic.gov"),
    ("eusc-", "amazonaws.eu"),
)


@dataclass(frozen=True)
class RegistryHost:
    host: str
    account_id: str
    region: str
    fips: bool = False
    dualstack: bool = False
    #: ECR Public (public.ecr.aws): no account; ecr-public:GetAuthorizationToken in us-east-1.
    public: bool = False


PUBLIC = RegistryHost(host=PUBLIC_HOST, account_id="", region=PUBLIC_REGION, public=True)


def partition_suffix(region: str) -> str:
    return next((suffix for prefix, suffix in _PARTITION_SUFFIX if region.startswith(prefix)), "amazonaws.com")


def registry_host(account_id: str, region: str) -> str:
    """The standard IPv4 registry host of an account in a region, in the region's partition."""
    return f"{account_id}.dkr.ecr.{region}.{partition_suffix(region)}"


def _shown(text: str) -> str:
    """The argument as given, quoted; escaped when it has control characters, cut when very long."""
    cut = text if len(text) <= 200 else text[:200] + "…"
    return f'"{cut}"' if cut.isprintable() else repr(cut)


def parse_registry(given: str) -> RegistryHost:
    """Accept `host`, `https://host`, `host/`, `host:443` (public.ecr.aws too); reject non-ECR hosts clearly."""
    text = _shown(given.strip())
    raw = given.strip()
    host = re.sub(r"^https?://", "", raw, flags=re.I).rstrip("/")
    if "/" in host:
        host, _, path = host.partition("/")
        if path:
            raise RegistryError(f"{text}: give the registry host only, without a repository path ({_shown(path)})",
                                remedy=f"expected {EXPECTED_FORM}")
    host = host.lower().removesuffix(":443")
    if host == PUBLIC_HOST:
        return PUBLIC
    if host in PUBLIC_HOSTS or host.endswith(".public.ecr.aws"):
        raise RegistryError(f'{text} is not the ECR Public registry Docker logs in to',
                            remedy=f"give {PUBLIC_HOST}, or a private registry: {EXPECTED_FORM}")
    match = _HOST.fullmatch(host) if host.isascii() else None
    if not match:
        raise RegistryError(f'{text} is not a private ECR registry host',
                            remedy=f"expected {EXPECTED_FORM} (e.g. 123456789012.dkr.ecr.us-east-2.amazonaws.com)")
    return RegistryHost(host=host, account_id=match["account"], region=match["region"],
                        fips=bool(match["fips"]), dualstack=match["sep"] == "-" or match["suffix"].startswith("on."))
