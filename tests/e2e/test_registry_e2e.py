"""Push and pull a real image with skopeo, using only what `atmos auth login` wrote, to a real registry."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from tests.conftest import login_env, run_atmos, use_config
from tests.test_docker_config import write_helper

from atmos_auth.emulator.registry import LocalRegistries, can_run, oci_image

pytestmark = [pytest.mark.e2e, pytest.mark.skipif(can_run() is not None, reason=f"e2e: {can_run()}")]


@pytest.fixture
def registries(tmp_path: Path, emu):
    world = LocalRegistries(tmp_path / "reg")
    yield world
    world.stop()


def push_and_pull(registries: LocalRegistries, image: Path, host: str, env: dict[str, str] | None = None) -> None:
    pushed = registries.skopeo("copy", "-q", f"oci:{image}:latest", f"docker://{host}/my-app:v1", env=env)
    assert pushed.returncode == 0, pushed.stderr
    pulled_dir = image.parent / f"pulled-{host}"
    pulled = registries.skopeo("copy", "-q", f"docker://{host}/my-app:v1", f"oci:{pulled_dir}:v1", env=env)
    assert pulled.returncode == 0, pulled.stderr
    inspect = registries.skopeo("inspect", f"docker://{host}/my-app:v1", env=env)
    assert inspect.returncode == 0 and json.loads(inspect.stdout)["Digest"].startswith("sha256:")


def test_multi_region_push_and_pull_with_login_credentials_only(emu, registries, tmp_path) -> None:
    hosts = [f"333333333333.dkr.ecr.{r}.amazonaws.com" for r in ("us-east-1", "us-west-2", "eu-west-1")]
    registries.certificate(hosts)
    registries.serve(emu.world.ecr_password("333333333333"), hosts)
    image = oci_image(tmp_path / "image")
    anonymous = registries.skopeo("inspect", f"docker://{hosts[0]}/my-app:v1")
    assert anonymous.returncode != 0 and "authentication required" in anonymous.stderr
    use_config("multi-region")
    assert run_atmos("auth", "login", "platform-admin", env=login_env()).returncode == 0
    for host in hosts:
        push_and_pull(registries, image, host)


def test_cross_account_push_and_pull(emu, registries, tmp_path) -> None:
    mine, shared = "111111111111.dkr.ecr.us-east-2.amazonaws.com", "999999999999.dkr.ecr.us-east-1.amazonaws.com"
    registries.certificate([mine, shared])
    registries.serve(emu.world.ecr_password("111111111111"), [mine])
    registries.serve(emu.world.ecr_password("999999999999"), [shared])
    use_config("cross-account")
    assert run_atmos("auth", "login", "dev-admin", env=login_env()).returncode == 0
    image = oci_image(tmp_path / "image")
    push_and_pull(registries, image, mine)
    push_and_pull(registries, image, shared)


def test_push_through_a_creds_store_helper(emu, registries, tmp_path) -> None:
    host = "123456789012.dkr.ecr.us-east-2.amazonaws.com"
    registries.certificate([host])
    registries.serve(emu.world.ecr_password("123456789012"), [host])
    store = write_helper(tmp_path / "bin")
    path_env = {"PATH": f"{tmp_path / 'bin'}{os.pathsep}{os.environ['PATH']}"}
    docker = Path(os.environ["DOCKER_CONFIG"])
    docker.mkdir()
    (docker / "config.json").write_text(json.dumps({"credsStore": "testfile"}))
    use_config("quick-start")
    result = run_atmos("auth", "login", "dev-admin", env={**login_env(), **path_env})
    assert "docker-credential-testfile" in result.stderr
    assert "auth" not in json.loads((docker / "config.json").read_text())["auths"][host]
    assert host in json.loads(store.read_text())
    push_and_pull(registries, oci_image(tmp_path / "image"), host, env=path_env)


def test_wrong_and_expired_tokens_are_refused(emu, registries, tmp_path) -> None:
    host = "123456789012.dkr.ecr.us-east-2.amazonaws.com"
    registries.certificate([host])
    registries.serve(emu.world.ecr_password("123456789012"), [host])
    use_config("quick-start")
    assert run_atmos("auth", "login", "dev-admin", env=login_env()).returncode == 0
    image = oci_image(tmp_path / "image")
    push_and_pull(registries, image, host)
    config = Path(os.environ["DOCKER_CONFIG"]) / "config.json"
    data = json.loads(config.read_text())
    data["auths"][host]["auth"] = "QVdTOndyb25n"  # AWS:wrong
    config.write_text(json.dumps(data))
    wrong = registries.skopeo("inspect", f"docker://{host}/my-app:v1")
    assert wrong.returncode != 0 and "unauthorized" in wrong.stderr.lower()
    # A token from another emulator lifetime (another password) stands in for an expired one.
    from atmos_auth.emulator import Emulator

    with Emulator(auto_approve=True, seed=b"another-lifetime") as other_url:
        stale = run_atmos("auth", "login", "dev-admin", "--force",
                          env={**login_env(), "AWS_ENDPOINT_URL": other_url, "XDG_CACHE_HOME": str(tmp_path / "c2")})
        assert stale.returncode == 0, stale.stderr
    refused = registries.skopeo("inspect", f"docker://{host}/my-app:v1")
    assert refused.returncode != 0 and "unauthorized" in refused.stderr.lower()


def test_ecr_public_push_and_pull_with_the_written_token(emu, registries, tmp_path) -> None:
    """A local registry stands in for public.ecr.aws; only the token `login` wrote opens it."""
    from tests.test_ecr_public import PUBLIC

    host = "public.ecr.aws"
    registries.certificate([host])
    registries.serve(emu.world.ecr_password("public"), [host])
    anonymous = registries.skopeo("inspect", f"docker://{host}/my-app:v1")
    assert anonymous.returncode != 0 and "authentication required" in anonymous.stderr
    use_config(PUBLIC)
    login = run_atmos("auth", "login", "dev-admin", env=login_env())
    assert login.returncode == 0 and "✓ ECR Public login: public.ecr.aws" in login.stderr, login.stderr
    push_and_pull(registries, oci_image(tmp_path / "image"), host)
