"""Issue 9: a real atmos.yaml (unknown fields, kinds this tool does not implement, an entry with an
error) loads; each command checks only what it uses; `validate` tells errors from warnings."""

from __future__ import annotations

from tests.conftest import EXAMPLES, login_env, run_atmos, use_config

MIXED = (EXAMPLES / "quick-start.yaml").read_text().replace("  identities:", """\
    azure:
      kind: azure/device-code
      spec: {tenant_id: "00000000-0000-0000-0000-000000000000"}
    broken-sso:
      kind: aws/iam-identity-center
      region: us-east-1
  console:
    isolated: true
  identities:
    azure-sub:
      kind: azure/subscription
      via: {provider: azure}
      principal: {subscription_id: "11111111-1111-1111-1111-111111111111"}
    no-principal:
      kind: aws/permission-set
      via: {provider: company-sso}
    via-broken:
      kind: aws/assume-role
      via: {provider: broken-sso}
      principal: {assume_role: "arn:aws:iam::123456789012:role/x"}""").replace("""    dev-admin:
      kind: aws/permission-set""", """    dev-admin:
      kind: aws/permission-set
      required: true
      env:
        - {key: AWS_SDK_LOAD_CONFIG, value: "1"}""").replace("  integrations:", """  integrations:
    dev/gke:
      kind: gcp/gke
      via: {identity: dev-admin}
      spec: {cluster: {name: dev, location: us-east1}}""")


def test_issue_9_validate_tells_errors_from_warnings() -> None:
    use_config(MIXED)
    result = run_atmos("auth", "validate")
    assert result.returncode == 1
    assert "auth.identities.no-principal.principal: required field is missing" in result.stderr
    assert "auth.providers.broken-sso.start_url: required field is missing" in result.stderr
    assert "azure/subscription" not in result.stderr  # a warning, not an error
    strict = run_atmos("auth", "validate", "--strict")
    assert strict.returncode == 1
    assert "azure/subscription is an Atmos identity kind this tool does not implement" in strict.stderr
    assert "auth.console: accepted as Atmos does; this tool does not use it" in strict.stderr


def test_issue_9_only_warnings_validate_with_exit_0() -> None:
    use_config((EXAMPLES / "quick-start.yaml").read_text().replace("  identities:", "  console: {isolated: true}\n"
                                                                     "  identities:"))
    result = run_atmos("auth", "validate")
    assert result.returncode == 0 and "valid" in result.stderr and "with 1 warning" in result.stderr
    assert "warning: atmos.yaml:9: auth.console: accepted as Atmos does; this tool does not use it" in result.stderr
    assert run_atmos("auth", "validate", "--strict").returncode == 1


def test_issue_9_a_command_uses_only_what_it_needs(emu) -> None:
    use_config(MIXED)
    result = run_atmos("auth", "login", "dev-admin", env=login_env())
    assert result.returncode == 0, result.stderr
    assert "✓ ECR login: 123456789012.dkr.ecr.us-east-2.amazonaws.com" in result.stderr
    assert "warning: the auth configuration has 2 problems" in result.stderr
    assert "integration dev/gke (gcp/gke) is not available in this tool; skipped" in result.stderr
    env = run_atmos("auth", "env", "dev-admin")
    assert env.returncode == 0 and "AWS_PROFILE=dev-admin" in env.stdout


def test_issue_9_an_entry_that_cannot_be_used_names_its_problems(emu) -> None:
    use_config(MIXED)
    broken = run_atmos("auth", "login", "no-principal", env=login_env())
    assert broken.returncode == 1
    assert "identity 'no-principal' cannot be used:" in broken.stderr
    assert "auth.identities.no-principal.principal: required field is missing" in broken.stderr
    chained = run_atmos("auth", "login", "via-broken", env=login_env())
    assert chained.returncode == 1 and "auth.providers.broken-sso.start_url: required field is missing" in chained.stderr
    azure = run_atmos("auth", "login", "azure-sub")
    assert azure.returncode == 1 and "azure/subscription is an Atmos identity kind" in azure.stderr


def test_issue_9_list_shows_every_entry_and_what_is_not_available() -> None:
    use_config(MIXED)
    tree = run_atmos("auth", "list")
    assert tree.returncode == 0, tree.stderr
    assert "azure-sub  [azure/subscription]  (not available in this tool)" in tree.stdout
    assert "no-principal  [aws/permission-set]  (invalid: see `atmos auth validate`)" in tree.stdout
    assert "dev/gke  [gcp/gke]  (not available in this tool)" in tree.stdout
    assert "chain: company-sso → dev-admin" in tree.stdout
    assert "problems" not in tree.stderr
