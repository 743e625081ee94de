"""A scan for every secret the emulator issued (keys, session tokens, SSO access and refresh tokens,
client secrets, device codes, ECR passwords) in everything the tool shows or leaves: stdout and stderr
of every command, a Debug log, every file outside the stores that must hold them, and the argument
list of every process that ran meanwhile (credential helpers get secrets on stdin, never as arguments)."""

from __future__ import annotations

import json
import os
import threading
import time
from pathlib import Path

from tests.conftest import aws_dir, login_env, run_atmos, secrets_of, use_config
from tests.reliability.conftest import REL_KEY, host, report
from tests.test_docker_config import write_helper
from tests.test_login import CHAIN


def sample_argv(stop: threading.Event, seen: set[str]) -> None:
    while not stop.is_set():
        for pid in os.listdir("/proc"):
            if pid.isdigit():
                try:
                    seen.add(Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace"))
                except OSError:
                    pass
        time.sleep(0.01)


def test_no_secret_in_outputs_logs_argv_or_stray_files(rel, isolated_home, tmp_path) -> None:
    store = write_helper(tmp_path / "bin", "dockfile")
    log = tmp_path / "debug.log"
    use_config(f"logs:\n  level: Trace\n  file: {log}\n" + CHAIN.replace(
        "  integrations:", "    bad-external:\n      kind: aws/assume-role\n      via: {identity: dev-admin}\n"
        "      principal: {assume_role: \"arn:aws:iam::333333333333:role/auditor\", external_id: wrong}\n  integrations:"))
    docker = isolated_home / ".docker"
    docker.mkdir()
    (docker / "config.json").write_text(json.dumps({"credHelpers": {host(2): "dockfile"}}))
    env = {**login_env(), **REL_KEY, "PATH": f"{tmp_path / 'bin'}{os.pathsep}{os.environ['PATH']}"}
    commands = [("login", "dev-admin"), ("login", "auditor", "--format", "json"), ("login", "bad-external"),
                ("ecr-login", "dev/ecr", "--format", "json"), ("ecr-login", "--registry", host(1)),
                ("ecr-login", "--registry", host(2)), ("whoami", "dev-admin"), ("whoami", "auditor", "--format", "json"),
                ("env", "dev-admin"), ("env", "auditor", "--format", "json"), ("list", "--format", "json"),
                ("validate", "-v"), ("exec", "dev-admin", "--", "true"), ("logout", "--all", "--dry-run"),
                ("logout", "dev-admin"), ("logout", "--all")]
    stop, argv = threading.Event(), set()
    sampler = threading.Thread(target=sample_argv, args=(stop, argv))
    sampler.start()
    outputs = []
    try:
        for command in commands:
            done = run_atmos("auth", *command, env=env)
            outputs += [done.stdout, done.stderr]
    finally:
        stop.set()
        sampler.join()
    secrets = secrets_of(rel) + [d.device_code for d in rel.world.devices.values()]
    secrets += [rel.world.ecr_password(account) for account in ("400000000001", "400000000002")]
    stores = [isolated_home / ".local/share/atmos/keyring", isolated_home / ".cache/atmos/aws-sso",
              isolated_home / ".cache/atmos/sessions",
              aws_dir(isolated_home), store]
    stray = [p for p in isolated_home.rglob("*") if p.is_file() and not any(s == p or s in p.parents for s in stores)]
    places = {"outputs": "\n".join(outputs), "debug log": log.read_text(), "argv": "\n".join(argv)}
    places.update({str(p): p.read_text(errors="replace") for p in stray})
    leaks = {where: [s[:6] + "…" for s in secrets if s in text] for where, text in places.items()}
    leaks = {where: found for where, found in leaks.items() if found}
    report("secrets scan", commands=len(commands), secrets_issued=len(secrets), argv_samples=len(argv),
           files_scanned=len(stray), leaks=sum(len(v) for v in leaks.values()))
    assert len(secrets) > 10 and log.stat().st_size > 0
    assert leaks == {}
