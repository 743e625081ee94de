"""12 ECR registries in 4 regions with 100 ms of emulator latency: batched login vs one login per registry.

Batched: `atmos auth ecr-login --identity dev-admin --force` (one GetAuthorizationToken per region, regions
in parallel). One after another: `atmos auth ecr-login <integration> --force` for each of the 12, as a
tool that logs in per registry (the original Atmos, the AWS CLI in a loop) does. The identity is signed in
beforehand, so both sides measure the ECR part. Prints wall times, AWS call counts and their ratios.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _env import REPO, Workdir, atmos, median, private_env  # noqa: E402

from atmos_auth.emulator import Emulator  # noqa: E402

ACCOUNTS = ["111111111111", "123456789012", "999999999999"]
REGIONS = ["us-east-1", "us-east-2", "us-west-2", "eu-west-1"]
LATENCY_MS = 100
ROUNDS = 3


def config() -> str:
    base = (REPO / "examples/spec/quick-start.yaml").read_text().split("  integrations:")[0]
    entries = "".join(f"""
    r/{a}/{r}:
      kind: aws/ecr
      via: {{identity: dev-admin}}
      spec: {{registry: {{account_id: "{a}", region: {r}}}}}""" for r in REGIONS for a in ACCOUNTS)
    return base + "  integrations:" + entries + "\n"


def ecr_calls(emulator: Emulator) -> int:
    return sum(1 for e in emulator.world.log if e["operation"] == "ecr:GetAuthorizationToken")


def run() -> None:
    emulator = Emulator(auto_approve=True).start()
    try:
        with Workdir() as work:
            (work / "atmos.yaml").write_text(config())
            env = private_env(work, emulator.url)
            atmos(env, work, "auth", "login", "dev-admin", "--no-integrations")
            emulator.world.latency_ms = LATENCY_MS
            names = [f"r/{a}/{r}" for r in REGIONS for a in ACCOUNTS]
            batched, sequential, batched_calls, sequential_calls = [], [], 0, 0
            for _ in range(ROUNDS):
                emulator.world.log.clear()
                batched.append(atmos(env, work, "auth", "ecr-login", "--identity", "dev-admin", "--force"))
                batched_calls = ecr_calls(emulator)
                emulator.world.log.clear()
                sequential.append(sum(atmos(env, work, "auth", "ecr-login", name, "--force") for name in names))
                sequential_calls = ecr_calls(emulator)
            (in_batch, in_batch_calls), (in_process, in_process_calls) = _in_process(env, work, emulator)
    finally:
        emulator.stop()
    b, s = median(batched), median(sequential)
    print(f"12 registries in 4 regions, emulator latency {LATENCY_MS} ms, median of {ROUNDS} rounds")
    print(f"  batched (ecr-login --identity)     : {b:6.2f} s  {batched_calls:2d} GetAuthorizationToken calls")
    print(f"  one after another (12 x ecr-login) : {s:6.2f} s  {sequential_calls:2d} GetAuthorizationToken calls")
    print("  in one process (library calls, no interpreter start-ups):")
    print(f"    batched                          : {in_batch:6.2f} s  {in_batch_calls:2d} GetAuthorizationToken calls")
    print(f"    one registry at a time           : {in_process:6.2f} s  {in_process_calls:2d} GetAuthorizationToken calls")
    print(f"  ratios: commands {s / b:.1f}x, in one process {in_process / in_batch:.1f}x faster; "
          f"{sequential_calls / max(batched_calls, 1):.1f}x fewer calls")


def _in_process(env: dict[str, str], work: Path, emulator: Emulator) -> tuple[tuple[float, int], tuple[float, int]]:
    """The ECR work alone, batched and then one GetAuthorizationToken per registry, sequentially."""
    import os
    import time

    os.environ.update(env)
    os.chdir(work)
    from atmos_auth.config.load import load_auth_config
    from atmos_auth.integrations import ecr
    from atmos_auth.session import context, sign_in

    config = load_auth_config()
    creds = sign_in(config, "dev-admin", context(config)).auth.credentials
    targets = ecr.targets_of({n: i for n, i in config.integrations.items()})
    ecr.login(creds, targets[:1], "dev-admin", force=True)  # warm up botocore's loaders
    measured = []
    for batches in ([targets], [[t] for t in targets]):
        emulator.world.log.clear()
        started = time.perf_counter()
        for batch in batches:
            ecr.login(creds, batch, "dev-admin", force=True)
        measured.append((time.perf_counter() - started, ecr_calls(emulator)))
    return measured[0], measured[1]


if __name__ == "__main__":
    run()
