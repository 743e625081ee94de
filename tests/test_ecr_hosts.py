"""Registry hosts in every partition: parsing, building, rejection."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from atmos_auth.errors import RegistryError
from atmos_auth.integrations.ecr_hosts import parse_registry, registry_host

ACCEPTED = [
    ("123456789012.dkr.ecr.us-west-2.amazonaws.com", "us-west-2", False, False),
    ("https://123456789012.dkr.ecr.us-east-2.amazonaws.com/", "us-east-2", False, False),
    ("123456789012.dkr.ecr.us-east-2.amazonaws.com:443", "us-east-2", False, False),
    ("123456789012.dkr.ecr-fips.us-gov-west-1.amazonaws.com", "us-gov-west-1", True, False),
    ("123456789012.dkr.ecr.us-gov-east-1.amazonaws.com", "us-gov-east-1", False, False),
    ("123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn", "cn-north-1", False, False),
    ("123456789012.dkr-ecr.us-west-2.on.aws", "us-west-2", False, True),
    ("123456789012.dkr-ecr-fips.us-gov-east-1.on.aws", "us-gov-east-1", True, True),
    ("123456789012.dkr.ecr.cn-north-1.on.amazonwebservices.com.cn", "cn-north-1", False, True),
    ("123456789012.dkr.ecr.us-iso-east-1.c2s.ic.gov", "us-iso-east-1", False, False),
    ("123456789012.dkr.ecr.us-isob-east-1.sc2s.sgov.gov", "us-isob-east-1", False, False),
    ("123456789012.dkr.ecr.eu-isoe-west-1.cloud.adc-e.uk", "eu-isoe-west-1", False, False),
    ("123456789012.dkr.ecr.us-isof-east-1.csp.hci.ic.gov", "us-isof-east-1", False, False),
    ("123456789012.dkr.ecr.eusc-de-east-1.amazonaws.eu", "eusc-de-east-1", False, False),
]


@pytest.mark.parametrize(("text", "region", "fips", "dualstack"), ACCEPTED)
def test_every_partition_parses(text, region, fips, dualstack) -> None:
    host = parse_registry(text)
    assert (host.account_id, host.region, host.fips, host.dualstack) == ("123456789012", region, fips, dualstack)
    assert "://" not in host.host and not host.host.endswith("/")


@pytest.mark.parametrize("text", [
    "ecr-public.aws.com", "my.public.ecr.aws",
    "123456789012.dkr.ecr.us-east-1.amazonaws.com.fake.example.com", "12345.dkr.ecr.us-east-1.amazonaws.com",
    "docker.io", "ghcr.io", "123456789012.dkr.ecr.us-east-1.amazonaws.com/my-app", "",
])
def test_rejected_hosts_name_the_expected_form(text) -> None:
    with pytest.raises(RegistryError) as caught:
        parse_registry(text)
    assert "{account_id}.dkr.ecr.{region}.amazonaws.com" in (caught.value.remedy or "")


def test_public_ecr_is_the_public_registry_and_its_lookalikes_are_named() -> None:
    from atmos_auth.integrations.ecr_hosts import PUBLIC

    assert parse_registry("public.ecr.aws") == parse_registry("https://PUBLIC.ecr.aws:443/") == PUBLIC
    assert PUBLIC.public and PUBLIC.region == "us-east-1"
    with pytest.raises(RegistryError, match="not the ECR Public registry"):
        parse_registry("gallery.public.ecr.aws")


@given(account=st.from_regex(r"\A[0-9]{12}\Z"),
       region=st.sampled_from(["us-east-1", "eu-west-1", "cn-north-1", "cn-northwest-1", "us-gov-west-1",
                               "us-iso-east-1", "us-isob-east-1", "eu-isoe-west-1", "us-isof-south-1",
                               "eusc-de-east-1", "ap-southeast-4"]),
       scheme=st.sampled_from(["", "https://", "HTTPS://"]), slash=st.sampled_from(["", "/"]))
def test_built_hosts_round_trip(account, region, scheme, slash) -> None:
    host = registry_host(account, region)
    parsed = parse_registry(f"{scheme}{host}{slash}")
    assert (parsed.host, parsed.account_id, parsed.region) == (host, account, region)


@pytest.mark.parametrize(("text", "endpoint"), [
    ("123456789012.dkr.ecr.us-east-2.amazonaws.com", "https://api.ecr.us-east-2.amazonaws.com"),
    ("123456789012.dkr.ecr-fips.us-gov-west-1.amazonaws.com", "https://ecr-fips.us-gov-west-1.amazonaws.com"),
    ("123456789012.dkr-ecr.us-west-2.on.aws", "https://ecr.us-west-2.api.aws"),
    ("123456789012.dkr-ecr-fips.us-west-2.on.aws", "https://ecr-fips.us-west-2.api.aws"),
    ("123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn", "https://api.ecr.cn-north-1.amazonaws.com.cn"),
    ("123456789012.dkr.ecr.us-iso-east-1.c2s.ic.gov", "https://api.ecr.us-iso-east-1.c2s.ic.gov"),
])
def test_the_api_endpoint_follows_the_registry_host(text, endpoint) -> None:
    from atmos_auth import aws
    from atmos_auth.credentials import Credentials

    host = parse_registry(text)
    client = aws.client("ecr", host.region, Credentials("AKIDEXAMPLE", "x"), fips=host.fips, dualstack=host.dualstack)
    assert client.meta.endpoint_url == endpoint
