"""python -m atmos_auth.emulator: print the base URL as the first line, serve until SIGTERM/SIGINT."""

from __future__ import annotations

import argparse
import signal
import sys

from atmos_auth.emulator.state import parse_fault


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m atmos_auth.emulator", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--fixture", help="YAML world description (default: the built-in spec fixture)")
    parser.add_argument("--auto-approve", action="store_true", help="approve each device code at its first poll")
    parser.add_argument("--latency-ms", type=int, default=0, help="added to every AWS request")
    parser.add_argument("--fault", action="append", default=[], metavar="OP=KIND[:COUNT[:SECONDS]]",
                        help="e.g. ecr:GetAuthorizationToken=throttle:2 (kinds: throttle, error500, hang, reset)")
    args = parser.parse_args(argv)
    from atmos_auth.emulator.server import Emulator

    emulator = Emulator(host=args.host, port=args.port, fixture=args.fixture, auto_approve=args.auto_approve,
                        latency_ms=args.latency_ms, faults=[parse_fault(f) for f in args.fault])
    print(emulator.url, flush=True)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        emulator.serve_forever()
    except (KeyboardInterrupt, SystemExit):
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
