"""Hypothesis over the registry parser, the Docker-config merge and `auth env` quoting: never a
traceback, every accepted host is one botocore can call, foreign JSON comes back byte for byte.
(The atmos.yaml loader is fuzzed in tests/test_hostile_config.py.)"""

from __future__ import annotations

import json
import os
import subprocess

import pytest
from botocore.utils import validate_region_name
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.reliability.conftest import SCALE, strict

from atmos_auth.docker_config import DockerConfig, DockerLogin
from atmos_auth.errors import DockerConfigError, RegistryError
from atmos_auth.integrations.ecr_hosts import parse_registry

EXAMPLES = int(300 * SCALE)
SETTINGS = settings(max_examples=EXAMPLES, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])

_ACCOUNT = st.one_of(st.from_regex(r"\A[0-9]{12}\Z"), st.text(alphabet="0123456789１٣", min_size=10, max_size=13))
_REGION = st.one_of(st.sampled_from(["us-east-1", "eu-west-1", "cn-north-1", "us-gov-west-1", "us-iso-east-1"]),
                    st.from_regex(r"\A[a-z0-9][a-z0-9-]{0,80}\Z"))
_HOSTS = st.builds(lambda scheme, account, sep, fips, region, suffix, tail: f"{scheme}{account}.dkr{sep}ecr{fips}."
                   f"{region}.{suffix}{tail}",
                   st.sampled_from(["", "https://", "HTTP://", " "]), _ACCOUNT, st.sampled_from([".", "-"]),
                   st.sampled_from(["", "-fips"]), _REGION,
                   st.sampled_from(["amazonaws.com", "amazonaws.com.cn", "on.aws", "c2s.ic.gov", "example.com"]),
                   st.sampled_from(["", "/", ":443", ":5000", "/repo", "\n", "?x"]))


@SETTINGS
@given(text=st.one_of(_HOSTS, st.text(max_size=120), st.binary(max_size=60).map(lambda b: b.decode("latin-1"))))
def test_registry_parser_accepts_only_hosts_botocore_can_call(text) -> None:
    try:
        parsed = parse_registry(text)
    except RegistryError as error:
        assert error.message and "\n" not in error.message.split(" is ")[0].strip('"')
        return
    validate_region_name(parsed.region)  # raises for a region botocore would refuse
    assert parsed.account_id.isascii() and parsed.account_id.isdigit() and len(parsed.account_id) == 12


_JSON = st.recursive(st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False, allow_infinity=False),
                               st.text(max_size=12)),
                     lambda inner: st.one_of(st.lists(inner, max_size=3),
                                             st.dictionaries(st.text(max_size=8), inner, max_size=3)), max_leaves=12)
_NUMBERS = st.sampled_from(["1e400", "1.10", "-0", "1E5", "123456789012345678901234567890", "0.1e1"])


@SETTINGS
@given(foreign=st.dictionaries(st.text(max_size=10).filter(lambda k: k not in ("auths", "credHelpers", "credsStore")),
                               _JSON, max_size=5),
       raw_numbers=st.lists(_NUMBERS, max_size=3),
       existing=st.dictionaries(st.sampled_from(["ghcr.io", "https://123456789012.dkr.ecr.us-east-2.amazonaws.com",
                                                 "quay.io"]), st.fixed_dictionaries({"auth": st.just("eDp5")}),
                                max_size=2),
       hosts=st.lists(st.sampled_from(["123456789012.dkr.ecr.us-east-2.amazonaws.com",
                                       "999999999999.dkr.ecr.eu-west-1.amazonaws.com"]), min_size=1, max_size=2,
                      unique=True),
       indent=st.sampled_from([None, 2, "\t"]))
def test_docker_merge_keeps_every_foreign_member_byte_for_byte(tmp_path_factory, foreign, raw_numbers, existing,
                                                              hosts, indent) -> None:
    folder = tmp_path_factory.mktemp("docker")
    document = {**foreign, "auths": existing}
    text = json.dumps(document, indent=indent, ensure_ascii=bool(len(foreign) % 2))
    if raw_numbers:  # numbers Python itself could not write back unchanged
        text = text[:-1].rstrip() + (", " if document else "") + ", ".join(
            f'"n{i}": {n}' for i, n in enumerate(raw_numbers)) + "}"
    (folder / "config.json").write_text(text)
    os.utime(folder / "config.json", (1_000_000_000, 1_000_000_000))  # not being written right now by anyone
    before = {key: json.dumps(value, indent=indent, ensure_ascii=bool(len(foreign) % 2)) for key, value in foreign.items()}
    try:
        DockerConfig(folder).store([DockerLogin(h, "AWS", f"p-{h}") for h in hosts])
    except DockerConfigError as error:  # only for input Docker could not read either
        pytest.fail(f"refused valid JSON: {error.message}")
    after = (folder / "config.json").read_text()
    data = strict(after.encode())
    assert all(h in data["auths"] for h in hosts)
    for key, value in foreign.items():
        assert data[key] == value
        if indent is None:
            assert f"{json.dumps(key, ensure_ascii=bool(len(foreign) % 2))}: {before[key]}" in after
    for number in raw_numbers:
        assert f": {number}" in after


def read_github_env(text: str) -> dict[str, str]:
    """How the Actions runner reads $GITHUB_ENV: `K=v` lines, and `K<<DELIMITER` blocks."""
    found, lines, index = {}, text.split("\n"), 0
    while index < len(lines):
        line = lines[index]
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            key, delimiter = line.split("<<", 1)
            end = lines.index(delimiter, index + 1)
            found[key] = "\n".join(lines[index + 1:end])
            index = end + 1
        elif line:
            key, _, value = line.partition("=")
            found[key] = value
            index += 1
        else:
            index += 1
    return found


@SETTINGS
@given(values=st.dictionaries(st.sampled_from(["AWS_PROFILE", "AWS_CONFIG_FILE", "DOCKER_CONFIG"]),
                              st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
                                      max_size=30), min_size=1))
def test_env_output_survives_the_shell_and_github(values) -> None:
    from atmos_auth import env_format

    script = env_format.shell(values, export=True) + "".join(f'\nprintf "%s\\0" "${k}"' for k in sorted(values))
    shown = subprocess.run(["bash", "-c", script], capture_output=True, env={"PATH": os.environ["PATH"]}, timeout=10)
    assert shown.stdout.decode().split("\0")[:-1] == [values[k] for k in sorted(values)]
    assert read_github_env(env_format.github(values)) == values
