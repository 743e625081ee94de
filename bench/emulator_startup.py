"""The emulator process: time from exec to a served health check, and its idle memory (RSS)."""

from __future__ import annotations

import subprocess
import sys
import time
import urllib.request
from pathlib import Path


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def main(runs: int = 5) -> None:
    starts, memory = [], []
    for _ in range(runs):
        started = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-m", "atmos_auth.emulator"], stdout=subprocess.PIPE, text=True)
        url = proc.stdout.readline().strip()  # type: ignore[union-attr]
        urllib.request.urlopen(url + "/_emulator/health").read()
        starts.append(time.perf_counter() - started)
        time.sleep(1)
        memory.append(rss_mb(proc.pid))
        proc.terminate()
        proc.wait()
    starts.sort()
    print(f"emulator start → first answer: median {starts[len(starts) // 2]:.2f} s (min {starts[0]:.2f}, "
          f"max {starts[-1]:.2f}) over {runs} runs; idle RSS {sum(memory) / len(memory):.0f} MB")


if __name__ == "__main__":
    main()
