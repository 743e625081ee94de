"""ECR logins side by side, in one run, against the emulator (medians of ROUNDS, each a ratio):

1. 12 registries in 4 regions at 100 ms of emulator latency: `atmos auth ecr-login --identity dev-admin`
   (one GetAuthorizationToken per region, regions in parallel) beside `aws ecr get-login-password --region
   R` once per registry (the awscli package, pointed at the emulator with the same profile) and beside
   `atmos auth ecr-login <integration>` once per registry, one after another.
2. First login (SSO device flow, role credentials, ECR tokens) beside a cached one: wall time and AWS calls.
3. 64 concurrent `atmos auth ecr-login --identity dev-admin` with no token yet: the GetAuthorizationToken
   calls made (single flight: one per region).

The identity is signed in beforehand for 1 and 3, so they measure the ECR part. AWSCLI=<path to aws>
picks the AWS CLI (default: .venv-awscli/bin/aws, which `make bench` installs, else `aws` on PATH).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _env import REPO, Workdir, atmos, median, private_env  # noqa: E402

from atmos_auth.emulator import Emulator  # noqa: E402

ACCOUNTS = ["111111111111", "123456789012", "999999999999"]
REGIONS = ["us-east-1", "us-east-2", "us-west-2", "eu-west-1"]
LATENCY_MS = 100
ROUNDS = int(os.environ.get("ROUNDS", "5"))
CONCURRENT = 64


def config() -> str:
    base = (REPO / "examples/spec/quick-start.yaml").read_text().split("  integrations:")[0]
    entries = "".join(f"""
    r/{a}/{r}:
      kind: aws/ecr
      via: {{identity: dev-admin}}
      spec: {{registry: {{account_id: "{a}", region: {r}}}}}""" for r in REGIONS for a in ACCOUNTS)
    return base + "  integrations:" + entries + "\n"


def awscli() -> str | None:
    given = os.environ.get("AWSCLI") or str(REPO / ".venv-awscli/bin/aws")
    return given if Path(given).exists() else shutil.which("aws")


def calls(emulator: Emulator, operation: str | None = None) -> int:
    return sum(1 for e in emulator.world.log if operation is None or e["operation"] == operation)


def timed(argv: list[str], env: dict[str, str], cwd: Path) -> float:
    started = time.perf_counter()
    done = subprocess.run(argv, env=env, cwd=cwd, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed:\n{done.stderr[-2000:]}")
    return time.perf_counter() - started


def regions(emulator: Emulator, env: dict[str, str], work: Path, rounds: int = ROUNDS,
            with_awscli: bool = True) -> dict[str, tuple[float, int]]:
    names = [f"r/{a}/{r}" for r in REGIONS for a in ACCOUNTS]
    aws = awscli() if with_awscli else None
    profile = {**env, **dict(line.split("=", 1) for line in subprocess.run(
        [sys.executable, "-m", "atmos_auth", "auth", "env", "dev-admin", "-f", "dotenv"], env=env, cwd=work,
        capture_output=True, text=True, check=True).stdout.splitlines() if "=" in line)}
    profile = {k: v.strip("'\"") for k, v in profile.items()}
    cases = {
        "atmos auth ecr-login --identity (batched)":
            lambda: atmos(env, work, "auth", "ecr-login", "--identity", "dev-admin", "--force"),
        "atmos auth ecr-login <one> x12 (one after another)":
            lambda: sum(atmos(env, work, "auth", "ecr-login", name, "--force") for name in names),
    }
    if aws:
        cases["aws ecr get-login-password x12"] = lambda: sum(
            timed([aws, "ecr", "get-login-password", "--region", r], profile, work) for r in REGIONS for _ in ACCOUNTS)
    results: dict[str, tuple[list[float], int]] = {name: ([], 0) for name in cases}
    emulator.world.latency_ms = LATENCY_MS
    for _ in range(rounds):
        for name, case in cases.items():
            emulator.world.log.clear()
            results[name][0].append(case())
            results[name] = (results[name][0], calls(emulator, "ecr:GetAuthorizationToken"))
    emulator.world.latency_ms = 0
    return {name: (median(times), count) for name, (times, count) in results.items()}


def first_and_cached(emulator: Emulator) -> dict[str, tuple[float, int]]:
    firsts, cached, first_calls, cached_calls = [], [], 0, 0
    for _ in range(ROUNDS):
        with Workdir() as work:
            (work / "atmos.yaml").write_text((REPO / "examples/spec/quick-start.yaml").read_text())
            env = private_env(work, emulator.url)
            emulator.world.log.clear()
            firsts.append(atmos(env, work, "auth", "login", "dev-admin"))
            first_calls = calls(emulator)
            emulator.world.log.clear()
            cached.append(atmos(env, work, "auth", "login", "dev-admin"))
            cached_calls = calls(emulator)
    return {"first login (device flow, role, ECR)": (median(firsts), first_calls),
            "cached login": (median(cached), cached_calls)}


def concurrency(emulator: Emulator, env: dict[str, str], work: Path) -> tuple[float, int]:
    env = {**env, "DOCKER_CONFIG": str(work / "docker-concurrent")}  # no token there yet
    emulator.world.log.clear()
    emulator.world.latency_ms = LATENCY_MS
    started = time.perf_counter()
    children = [subprocess.Popen([sys.executable, "-m", "atmos_auth", "auth", "ecr-login", "--identity", "dev-admin"],
                                 env=env, cwd=work, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                for _ in range(CONCURRENT)]
    failed = sum(child.wait() != 0 for child in children)
    elapsed = time.perf_counter() - started
    emulator.world.latency_ms = 0
    if failed:
        raise SystemExit(f"{failed} of {CONCURRENT} concurrent ecr-logins failed")
    return elapsed, calls(emulator, "ecr:GetAuthorizationToken")


def main() -> None:
    emulator = Emulator(auto_approve=True).start()
    try:
        with Workdir() as work:
            (work / "atmos.yaml").write_text(config())
            env = private_env(work, emulator.url)
            atmos(env, work, "auth", "login", "dev-admin", "--no-integrations")
            spread = regions(emulator, env, work)
            wall, made = concurrency(emulator, env, work)
        logins = first_and_cached(emulator)
    finally:
        emulator.stop()
    base, base_calls = spread["atmos auth ecr-login --identity (batched)"]
    print(f"12 registries in 4 regions, emulator latency {LATENCY_MS} ms, median of {ROUNDS} rounds")
    for name, (seconds, count) in spread.items():
        print(f"  {name:<52} {seconds:6.2f} s  {count:2d} GetAuthorizationToken  {seconds / base:5.1f}x")
    if not awscli():
        print("  (aws ecr get-login-password: no AWS CLI found; `make bench` installs it in .venv-awscli)")
    first, first_calls = logins["first login (device flow, role, ECR)"]
    cached, cached_calls = logins["cached login"]
    print(f"first login vs cached login (quick-start), median of {ROUNDS}")
    print(f"  first login                                          {first:6.2f} s  {first_calls:2d} AWS calls")
    print(f"  cached login                                         {cached:6.2f} s  {cached_calls:2d} AWS calls"
          f"  {first / cached:5.1f}x faster")
    print(f"{CONCURRENT} concurrent `atmos auth ecr-login --identity dev-admin`, no token yet")
    print(f"  {wall:6.2f} s in all, {made} GetAuthorizationToken calls ({len(REGIONS)} regions; "
          f"without single flight: {CONCURRENT * len(REGIONS)})")


if __name__ == "__main__":
    main()
