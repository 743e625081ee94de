"""The reliability suite: concurrency, SIGKILL, fuzzing, the fault matrix and a secrets scan, against
an emulator of its own. RELIABILITY_SCALE multiplies every trial count (`make soak` sets it); each test
reports its figures through `report()` (printed, and appended to $RELIABILITY_REPORT when set)."""

from __future__ import annotations

import json
import os

import pytest
from tests.conftest import use_emulator

SCALE = float(os.environ.get("RELIABILITY_SCALE", "1"))
#: A user the emulator lets fetch ECR tokens for many registry accounts (one distinct host per writer).
ACCOUNTS = [f"4000000000{i:02d}" for i in range(64)]
REL_KEY = {"AWS_ACCESS_KEY_ID": "AKIARELIABILITY00001", "AWS_SECRET_ACCESS_KEY": "reliability-secret-key-0000000000000000"}
FIXTURE = {"users": [{"name": "rel", "account": "123456789012", "access_key_id": REL_KEY["AWS_ACCESS_KEY_ID"],
                      "secret_access_key": REL_KEY["AWS_SECRET_ACCESS_KEY"], "ecr": ACCOUNTS}]}
#: Foreign content every Docker-config round starts from; these members must come back byte for byte.
FOREIGN = (b'{\n\t"auths": {\n\t\t"ghcr.io": {\n\t\t\t"auth": "dXNlcjpwYXNz",\n\t\t\t"email": "me@example.com"\n'
           b'\t\t}\n\t},\n\t"credHelpers": {\n\t\t"gcr.io": "gcloud"\n\t},\n\t"proxies": {"default": {"noProxy": '
           b'"localhost"}},\n\t"x-big": 1e400,\n\t"x-utf8": "prod-\xc3\xbc-\xe2\x98\x83",\n\t"x-numbers": '
           b'[1E5, 1.10, -0],\n\t"currentContext": "desktop-linux"\n}')
FOREIGN_MEMBERS = [b'"proxies": {"default": {"noProxy": "localhost"}}', b'"x-big": 1e400',
                   b'"x-utf8": "prod-\xc3\xbc-\xe2\x98\x83"', b'"x-numbers": [1E5, 1.10, -0]',
                   b'"currentContext": "desktop-linux"', b'"gcr.io": "gcloud"',
                   b'"ghcr.io": {\n\t\t\t"auth": "dXNlcjpwYXNz",\n\t\t\t"email": "me@example.com"\n\t\t}']


def trials(base: int) -> int:
    return max(1, int(base * SCALE))


def host(index: int, region: str = "us-east-1") -> str:
    return f"{ACCOUNTS[index % len(ACCOUNTS)]}.dkr.ecr.{region}.amazonaws.com"


def report(name: str, **figures: object) -> None:
    line = json.dumps({"test": name, **figures})
    print(f"\nRELIABILITY {line}")
    target = os.environ.get("RELIABILITY_REPORT")
    if target:
        with open(target, "a", encoding="utf-8") as handle:
            handle.write(line + "\n")


def strict(data: bytes) -> dict:
    def refuse(name: str) -> object:
        raise ValueError(f"{name} is not JSON")

    return json.loads(data.decode("utf-8", "surrogateescape").encode("utf-8", "replace"), parse_constant=refuse)


@pytest.fixture(scope="module")
def rel_emulator(tmp_path_factory):
    import yaml

    from atmos_auth.emulator import Emulator

    fixture = tmp_path_factory.mktemp("rel") / "fixture.yaml"
    fixture.write_text(yaml.safe_dump(FIXTURE))
    emu = Emulator(fixture=fixture, auto_approve=True)
    emu.start()
    yield emu
    emu.stop()


@pytest.fixture
def rel(rel_emulator, monkeypatch):
    return use_emulator(rel_emulator, monkeypatch)
