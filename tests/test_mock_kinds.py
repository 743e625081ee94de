"""Issue 11 item 7: Atmos's `mock` and `mock/aws` kinds: the same schema, fake credentials and expiry as
Atmos's (cloudposse/atmos pkg/auth/providers/mock/), and no network at all."""

from __future__ import annotations

import json

from tests.conftest import aws_dir, run_atmos, use_config

#: Atmos's own fixture, tests/fixtures/scenarios/atmos-auth-mock/atmos.yaml (its auth: section).
MOCK = """\
auth:
  providers:
    mock-provider:
      kind: mock/aws
      config:
        description: "Mock AWS provider for testing"
  identities:
    mock-identity:
      kind: mock/aws
      default: true
      via:
        provider: mock-provider
      principal:
        account:
          id: "123456789012"
    mock-identity-2:
      kind: mock/aws
      via:
        provider: mock-provider
      principal:
        account:
          id: "987654321098"
    plain:
      kind: mock
      via: {provider: mock-provider}
"""
#: Nothing answers here: a mock that made any network call would fail.
OFFLINE = {"AWS_ENDPOINT_URL": "http://127.0.0.1:9", "ATMOS_KEYRING_TYPE": "memory"}


def test_issue_11_mock_kinds_sign_in_and_answer_without_any_network(isolated_home) -> None:
    use_config(MOCK)
    assert run_atmos("auth", "validate", env=OFFLINE).returncode == 0
    login = run_atmos("auth", "login", env=OFFLINE)
    assert login.returncode == 0 and "Authenticated mock-identity" in login.stderr, login.stderr
    assert "2099-12-31 23:59 UTC" in login.stderr
    credentials = (aws_dir(isolated_home) / "mock-provider/credentials").read_text()
    assert "aws_access_key_id = MOCK_KEY_mock-identity" in credentials
    assert "aws_session_token = MOCK_TOKEN_mock-identity" in credentials
    who = run_atmos("auth", "whoami", "-i", "mock-identity-2", "-o", "json", env=OFFLINE)  # signs in quietly
    assert who.returncode == 0, who.stderr
    facts = json.loads(who.stdout)
    assert facts["principal"] == "arn:aws:iam::123456789012:user/mock-user" and facts["account"] == "123456789012"
    assert facts["expiration"].startswith("2099-12-31T23:59:59")
    env = json.loads(run_atmos("auth", "env", "-i", "mock-identity", "-f", "json", env=OFFLINE).stdout)
    assert env["MOCK_IDENTITY"] == "mock-identity" and env["AWS_PROFILE"] == "mock-identity"
    ran = run_atmos("auth", "exec", "-i", "mock-identity", "--", "sh", "-c", "echo $AWS_PROFILE", env=OFFLINE)
    assert ran.returncode == 0 and ran.stdout.strip() == "mock-identity"
    plain = run_atmos("auth", "login", "plain", env=OFFLINE)
    assert plain.returncode == 0, plain.stderr
    assert "aws_access_key_id = mock-access-key" in (aws_dir(isolated_home) / "mock-provider/credentials").read_text()
    listed = json.loads(run_atmos("auth", "list", "-f", "json", env=OFFLINE).stdout)
    assert listed["providers"]["mock-provider"]["kind"] == "mock/aws"


def test_issue_11_every_kind_example_passes_validate_strictly(isolated_home) -> None:
    """examples/kinds/: one configuration per kind, each valid without a single warning."""
    from tests.conftest import REPO

    examples = sorted((REPO / "examples/kinds").glob("*.yaml"))
    assert {e.stem for e in examples} >= {"ecr-public", "eks", "ambient", "assume-root", "credential-process", "mock",
                                              "saml"}
    for example in examples:
        result = run_atmos("auth", "validate", "--strict", "--config", str(example))
        assert result.returncode == 0, (example.name, result.stderr)
