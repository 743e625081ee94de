"""Every AWS operation of a sign-in and an ECR login, under every kind of fault: a transient fault is
retried away (exit 0); a persistent one ends in bounded time with a documented exit code and a message
that names the operation and what happened, never a traceback and never a half-written file.
(Forgotten registrations and clock skew: tests/test_faults.py.)"""

from __future__ import annotations

import json
import time

import pytest
from tests.conftest import run_atmos, use_config
from tests.reliability.conftest import report
from tests.test_faults import expire_sso_token_locally
from tests.test_login import CHAIN

from atmos_auth.emulator.state import Fault

#: operation -> the command that makes it, after a warm login
COMMANDS = {
    "sso-oidc:CreateToken": ("login", "dev-admin", "--force", "--no-integrations"),
    "sso:ListAccounts": ("login", "dev-admin", "--force", "--no-integrations"),
    "sso:GetRoleCredentials": ("login", "dev-admin", "--force", "--no-integrations"),
    "sts:AssumeRole": ("login", "deployer", "--force", "--no-integrations"),
    "ecr:GetAuthorizationToken": ("ecr-login", "--force", "dev/ecr"),
}
#: kind -> (faults, expected exit code, text the message must hold)
KINDS = {
    "transient": ([("throttle", 1), ("error500", 1), ("reset", 1)], 0, ""),
    "throttle": ([("throttle", 12)], 1, "AWS is throttling the requests (ThrottlingException, 4 attempts)"),
    "error500": ([("error500", 12)], 1, "AWS answered with an internal error (InternalFailure, HTTP 500, 4 attempts)"),
    "reset": ([("reset", 12)], 1, "failed (ConnectionClosedError, 4 attempts)"),
    "hang": ([("hang", 1)], 0, ""),
}


@pytest.mark.parametrize("kind", sorted(KINDS))
@pytest.mark.parametrize("operation", sorted(COMMANDS))
def test_fault_matrix(emu, isolated_home, operation, kind) -> None:
    use_config(CHAIN)
    assert run_atmos("auth", "login", "deployer", "--no-integrations", env={"ATMOS_DEVICE_FLOW": "1"}).returncode == 0
    if operation == "sso-oidc:CreateToken":
        expire_sso_token_locally(isolated_home)
    faults, code, text = KINDS[kind]
    for fault, count in faults:
        emu.world.faults.append(Fault(operation, fault, count=count, seconds=2.0))
    started = time.monotonic()
    result = run_atmos("auth", *COMMANDS[operation], timeout=120)
    took = time.monotonic() - started
    report("fault matrix", operation=operation, kind=kind, exit=result.returncode, seconds=round(took, 1))
    assert "Traceback" not in result.stderr and "internal error:" not in result.stderr
    assert result.returncode == code, result.stderr
    assert text in result.stderr
    if code:
        assert operation.split(":")[1] in result.stderr  # the message names the operation
        assert "atmos auth login" not in result.stderr  # a fault of AWS is not the session's fault
    for path in [*isolated_home.rglob("*.json")]:
        json.loads(path.read_text())
    assert not [p for p in isolated_home.rglob("*.tmp")]
    assert took < 60
