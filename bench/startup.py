"""Start-up cost of every command that makes no AWS call, beside `python3 -c pass`, measured side by side
in one run (interleaved, medians), with each command's peak RSS and whether it imported boto3, pydantic,
PyYAML or rich. Issue 12's budget: each within 8x the bare Python start; no command here above 64 MiB.

Commands (the configuration is examples/spec/all.yaml plus a mock/aws identity; the caches are warm, so
none of them calls AWS, which the emulator's request log confirms):
  --help; auth validate; auth list; auth env dev-admin; auth whoami mock-user (whoami without its STS
  call: a mock identity answers offline); auth login dev-admin (cached: credentials and ECR tokens valid);
  auth exec dev-admin -- python3 -c pass (minus a bare python3 -c pass: exec's own overhead);
  auth ecr-login dev/ecr (the token in config.json still valid).

`--json FILE` also writes the figures. RUNS=N changes the run count. BASELINE=<src folder of another
checkout> measures that version instead (`git worktree add /tmp/old <commit>`; BASELINE=/tmp/old/src).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _env import REPO, Workdir, atmos, median, private_env  # noqa: E402

from atmos_auth.emulator import Emulator  # noqa: E402

RUNS = int(os.environ.get("RUNS", "11"))
BUDGET = 8.0
RSS_BUDGET_MIB = 64
MOCK_PROVIDER = """
    mock:
      kind: mock
"""
MOCK_IDENTITY = """
    mock-user:
      kind: mock/aws
      via: {provider: mock}
"""
PY = [sys.executable, "-c", "pass"]
CASES = {
    "atmos --help": ["--help"],
    "atmos auth validate": ["auth", "validate"],
    "atmos auth list": ["auth", "list"],
    "atmos auth env dev-admin": ["auth", "env", "dev-admin"],
    "atmos auth whoami (no STS call)": ["auth", "whoami", "mock-user"],
    "atmos auth login dev-admin (cached)": ["auth", "login", "dev-admin"],
    "atmos auth exec (own overhead)": ["auth", "exec", "dev-admin", "--", *PY],
    "atmos auth ecr-login dev/ecr (valid)": ["auth", "ecr-login", "dev/ecr"],
}
HEAVY = ("boto3", "botocore", "pydantic", "yaml", "rich")
#: Shown for comparison, not budgeted: a configuration seen for the first time is validated (pydantic,
#: PyYAML) before its snapshot is kept; ATMOS_AUTH_NO_SNAPSHOT=1 makes every run such a first run.
COLD = "atmos auth validate (first run: no snapshot)"


#: Started from a small process, so the child's peak RSS is its own (a child forked from this big
#: process would count the pages it shared before exec).
_PEAK = ("import os, sys; pid = os.posix_spawn(sys.argv[1], sys.argv[1:], os.environ); "
         "_, status, usage = os.wait4(pid, 0); print(usage.ru_maxrss); sys.exit(os.waitstatus_to_exitcode(status))")


def run(argv: list[str], env: dict[str, str], cwd: Path) -> float:
    """Wall seconds of one process (it must succeed)."""
    started = time.perf_counter()
    done = subprocess.run(argv, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} exited {done.returncode}")
    return elapsed


def peak_rss_kib(argv: list[str], env: dict[str, str], cwd: Path) -> int:
    done = subprocess.run([sys.executable, "-c", _PEAK, *argv], env=env, cwd=cwd, capture_output=True, text=True,
                          check=True)
    return int(done.stdout.split()[-1])


def heavy_imports(args: list[str], env: dict[str, str], cwd: Path) -> list[str]:
    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "atmos_auth", *args], env=env, cwd=cwd,
                          capture_output=True, text=True)
    names = {line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines() if "|" in line}
    return [m for m in HEAVY if m in names]


def measure(runs: int = RUNS) -> dict[str, dict[str, float | int | list[str]]]:
    emulator = Emulator(auto_approve=True).start()
    try:
        with Workdir() as work:
            text = (REPO / "examples/spec/all.yaml").read_text()
            text = text.replace("  providers:\n", "  providers:" + MOCK_PROVIDER, 1)
            (work / "atmos.yaml").write_text(text.replace("  identities:\n", "  identities:" + MOCK_IDENTITY, 1))
            env = private_env(work, emulator.url)
            if baseline := os.environ.get("BASELINE"):
                env["PYTHONPATH"] = baseline
            atmos(env, work, "auth", "login", "dev-admin")  # fill the caches (and the configuration's snapshot)
            atmos(env, work, "auth", "ecr-login", "dev/ecr")
            atmos(env, work, "auth", "login", "mock-user")
            emulator.world.log.clear()
            cases = {"python3 -c pass": PY, **{n: [sys.executable, "-m", "atmos_auth", *a] for n, a in CASES.items()},
                     COLD: [sys.executable, "-m", "atmos_auth", "auth", "validate"]}
            envs = {name: env for name in cases} | {COLD: {**env, "ATMOS_AUTH_NO_SNAPSHOT": "1"}}
            times: dict[str, list[float]] = {name: [] for name in cases}
            for _ in range(runs):  # interleaved, so load on the machine hits every case alike
                for name, argv in cases.items():
                    times[name].append(run(argv, envs[name], work))
            rss = {name: peak_rss_kib(argv, envs[name], work) for name, argv in cases.items()}
            calls = [e["operation"] for e in emulator.world.log]
            imports = {name: heavy_imports(argv[3:], envs[name], work) for name, argv in cases.items()
                       if name != "python3 -c pass"}
    finally:
        emulator.stop()
    base = median(times["python3 -c pass"])
    report: dict[str, dict[str, float | int | list[str]]] = {}
    for name, values in times.items():
        wall = median(values) - (base if name == "atmos auth exec (own overhead)" else 0.0)
        report[name] = {"ms": round(wall * 1000, 1), "ratio": round(wall / base, 2), "rss_mib": round(rss[name] / 1024, 1),
                        "imports": imports.get(name, [])}
    report["_aws_calls"] = {"count": len(calls)}
    return report


def main() -> None:
    report = measure()
    print(f"start-up, median of {RUNS} interleaved runs (budget: {BUDGET:.0f}x python3 -c pass, "
          f"{RSS_BUDGET_MIB} MiB)")
    for name, row in report.items():
        if name.startswith("_"):
            continue
        flag = "" if name in ("python3 -c pass", COLD) or (row["ratio"] <= BUDGET and row["rss_mib"] <= RSS_BUDGET_MIB) \
            else "  OVER BUDGET"
        heavy = ", ".join(row["imports"]) or "-"  # type: ignore[arg-type]
        print(f"  {name:<40} {row['ms']:7.1f} ms  {row['ratio']:5.1f}x  {row['rss_mib']:5.1f} MiB  "
              f"heavy imports: {heavy}{flag}")
    print(f"  AWS calls made by all of these: {report['_aws_calls']['count']}")
    if "--json" in sys.argv:
        Path(sys.argv[sys.argv.index("--json") + 1]).write_text(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
