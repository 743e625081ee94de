"""`make demo`: the spec's ECR login end to end on the embedded emulator, in a throw-away HOME.

Starts the emulator (auto-approving device codes), writes the spec's configuration, runs
`atmos auth login dev-admin` and `atmos auth ecr-login --identity platform-admin`, shows the Docker
config, and (as root, with docker-registry and skopeo installed) pushes and pulls an image through a
local registry that answers for the ECR hostnames. Your own ~/.docker and ~/.aws are never touched.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from atmos_auth.emulator.registry import LocalRegistries

REPO = Path(__file__).resolve().parents[1]
BOLD, DIM, RESET = ("\033[1m", "\033[2m", "\033[0m") if sys.stdout.isatty() else ("", "", "")


def step(title: str) -> None:
    print(f"\n{BOLD}== {title}{RESET}", flush=True)


def run(env: dict[str, str], *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    print(f"{BOLD}$ atmos {' '.join(args)}{RESET}", flush=True)
    done = subprocess.run([sys.executable, "-m", "atmos_auth", *args], env=env, text=True,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    print(done.stdout.rstrip(), flush=True)
    if check and done.returncode != 0:
        raise SystemExit(f"demo step failed with exit code {done.returncode}")
    return done


def main() -> int:
    work = Path(tempfile.mkdtemp(prefix="atmos-auth-demo-"))
    home = work / "home"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "ATMOS_", "DOCKER_", "XDG_"))}
    env.update(HOME=str(home), DOCKER_CONFIG=str(home / ".docker"), XDG_CONFIG_HOME=str(home / ".config"),
               XDG_CACHE_HOME=str(home / ".cache"), XDG_DATA_HOME=str(home / ".local/share"),
               ATMOS_KEYRING_TYPE="file", ATMOS_DEVICE_FLOW="1", NO_PROXY="127.0.0.1,localhost")
    emulator = subprocess.Popen([sys.executable, "-m", "atmos_auth.emulator", "--auto-approve"], env=env,
                                stdout=subprocess.PIPE, text=True)
    from atmos_auth.emulator.registry import LocalRegistries

    registries = LocalRegistries(work / "registry")
    try:
        url = emulator.stdout.readline().strip()  # type: ignore[union-attr]
        env["AWS_ENDPOINT_URL"] = url
        step(f"Emulator at {url} (IAM Identity Center, STS, ECR); HOME={home}")
        shutil.copy(REPO / "examples/spec/all.yaml", work / "atmos.yaml")
        os.chdir(work)
        print(f"{DIM}atmos.yaml: the spec's patterns (examples/spec/all.yaml){RESET}")
        run(env, "auth", "validate")
        step("Sign in: device flow (approved by the emulator), then auto_provision ECR logins")
        run(env, "auth", "login", "dev-admin")
        step("Standalone ECR login for every integration of another identity")
        run(env, "auth", "ecr-login", "--identity", "platform-admin")
        step("An auto_provision: false integration, by name")
        run(env, "auth", "ecr-login", "dev/ecr/legacy")
        step("Docker config: what was written")
        config = json.loads((home / ".docker/config.json").read_text())
        print(f"$ jq '.auths | keys' {home / '.docker/config.json'}")
        print(json.dumps(sorted(config["auths"]), indent=2))
        run(env, "auth", "whoami", "dev-admin")
        push_and_pull(env, work, registries)
        step("Log out: only what this tool wrote is removed")
        run(env, "auth", "logout", "--all")
        print(f"$ jq '.auths | keys'  ->  {sorted(json.loads((home / '.docker/config.json').read_text())['auths'])}")
        print(f"\n{BOLD}Demo finished.{RESET}")
        return 0
    finally:
        registries.stop()
        emulator.terminate()
        emulator.wait(timeout=10)
        os.chdir(REPO)
        shutil.rmtree(work, ignore_errors=True)


def push_and_pull(env: dict[str, str], work: Path, registries: LocalRegistries) -> None:
    import urllib.request

    from atmos_auth.emulator.registry import can_run, oci_image

    step("Push and pull with skopeo through a local registry answering for the ECR hostnames")
    if (why := can_run()) is not None:
        print(f"skipped: {why}")
        return
    hosts = {"333333333333": [f"333333333333.dkr.ecr.{r}.amazonaws.com" for r in ("us-east-1", "us-west-2")],
             "123456789012": ["123456789012.dkr.ecr.us-east-2.amazonaws.com"]}
    registries.certificate([h for names in hosts.values() for h in names])
    for account, names in hosts.items():
        with urllib.request.urlopen(f"{env['AWS_ENDPOINT_URL']}/_emulator/ecr-password/{account}") as answer:
            registries.serve(json.loads(answer.read())["password"], names)
    image = oci_image(work / "image")
    for host in [h for names in hosts.values() for h in names]:
        for label, args in (("push", ("copy", "-q", f"oci:{image}:latest", f"docker://{host}/my-app:v1.0.0")),
                            ("pull", ("copy", "-q", f"docker://{host}/my-app:v1.0.0", f"oci:{work / 'pulled'}:v1"))):
            done = registries.skopeo(*args, env=env)
            mark = "✓" if done.returncode == 0 else "✗"
            print(f"{mark} skopeo {label} {host}/my-app:v1.0.0" + ("" if done.returncode == 0 else f": {done.stderr}"))
            if done.returncode != 0:
                raise SystemExit("push/pull failed")


if __name__ == "__main__":
    sys.exit(main())
