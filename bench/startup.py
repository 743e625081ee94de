"""Start-up cost of the CLI beside `python3 -c pass`, measured side by side in one run.

Commands: `atmos --help`, `atmos auth validate` on the spec's largest example, and a cached
`atmos auth login` (no AWS call; integrations' tokens still valid). Also reports whether boto3 is
imported, which commands that do not call AWS must avoid.

BASELINE=<folder of an older checkout's src> adds `atmos auth validate` run from that source, in the same
interleaved runs, to compare two versions (e.g. `git worktree add /tmp/old <commit>`, BASELINE=/tmp/old/src).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _env import REPO, Workdir, atmos, median, private_env, timed  # noqa: E402

from atmos_auth.emulator import Emulator  # noqa: E402

RUNS = 15


def imports_boto3(env: dict[str, str], cwd: Path, *args: str) -> bool:
    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "atmos_auth", *args], env=env, cwd=cwd,
                          capture_output=True, text=True)
    return any(line.rstrip().endswith(("| boto3", "| botocore")) for line in done.stderr.splitlines())


def main() -> None:
    emulator = Emulator(auto_approve=True).start()
    try:
        with Workdir() as work:
            (work / "atmos.yaml").write_text((REPO / "examples/spec/all.yaml").read_text())
            env = private_env(work, emulator.url)
            atmos(env, work, "auth", "login", "dev-admin")  # fill the caches
            cases = {
                "python3 -c pass": [sys.executable, "-c", "pass"],
                "atmos --help": [sys.executable, "-m", "atmos_auth", "--help"],
                "atmos auth validate (all.yaml)": [sys.executable, "-m", "atmos_auth", "auth", "validate"],
                "atmos auth login dev-admin (cached)": [sys.executable, "-m", "atmos_auth", "auth", "login",
                                                        "dev-admin"],
            }
            envs = {name: env for name in cases}
            if baseline := os.environ.get("BASELINE"):
                name = f"atmos auth validate (all.yaml), {baseline}"
                cases[name] = cases["atmos auth validate (all.yaml)"]
                envs[name] = {**env, "PYTHONPATH": baseline}
            times: dict[str, list[float]] = {name: [] for name in cases}
            emulator.world.log.clear()
            for _ in range(RUNS):  # interleaved, so load on the machine hits every case alike
                for name, argv in cases.items():
                    times[name].append(timed(argv, envs[name], work))
            calls = len(emulator.world.log)
            boto = {name: imports_boto3(envs[name], work, *argv[3:]) for name, argv in cases.items()
                    if name != "python3 -c pass"}
    finally:
        emulator.stop()
    base = median(times["python3 -c pass"])
    print(f"median of {RUNS} interleaved runs")
    for name, values in times.items():
        m = median(values)
        extra = "" if name not in boto else f"  imports boto3: {'yes' if boto[name] else 'no'}"
        print(f"  {name:<38} {m * 1000:7.1f} ms  {m / base:5.1f}x python3 -c pass{extra}")
    print(f"  AWS calls made by the {RUNS} cached logins: {calls}")


if __name__ == "__main__":
    main()
