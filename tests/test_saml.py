"""Issue 11 item 5: `aws/saml`: the emulator's IdP login form posts back a signed SAML response; the form
driver signs in with the configured (or prompted) username and password, and sts:AssumeRoleWithSAML, which
checks the signature and the role/provider pair, gives the chained identity's credentials."""

from __future__ import annotations

import json
import sys

import pytest
from tests.conftest import calls, run_atmos, use_config
from tests.test_interactive import exit_status, spawn

SAML = """\
auth:
  providers:
    okta:
      kind: aws/saml
      url: {url}/_emulator/saml/login
      region: us-east-1
      username: alice@example.com
      password: !env SAML_PASSWORD
  identities:
    saml-admin:
      kind: aws/assume-role
      via: {{provider: okta}}
      principal: {{assume_role: "arn:aws:iam::123456789012:role/saml-admin"}}
    not-granted:
      kind: aws/assume-role
      via: {{provider: okta}}
      principal: {{assume_role: "arn:aws:iam::123456789012:role/ci-deployer"}}
"""
PASSWORD = {"SAML_PASSWORD": "emulator-saml-password"}


def test_issue_11_saml_form_login_and_assume_role_with_saml(emu) -> None:
    use_config(SAML.format(url=emu.url))
    assert run_atmos("auth", "validate").returncode == 0
    login = run_atmos("auth", "login", "saml-admin", env=PASSWORD)
    assert login.returncode == 0 and "okta → saml-admin" in login.stderr, login.stderr
    assert calls(emu, "saml:Login") == ["saml:Login"] and calls(emu, "sts:AssumeRoleWithSAML") == [
        "sts:AssumeRoleWithSAML"]
    who = json.loads(run_atmos("auth", "whoami", "saml-admin", "-o", "json").stdout)
    assert who["principal"] == "arn:aws:sts::123456789012:assumed-role/saml-admin/alice@example.com"
    assert "emulator-saml-password" not in login.stderr + login.stdout


@pytest.mark.parametrize(("identity", "env", "message"), [
    ("saml-admin", {"SAML_PASSWORD": "wrong"}, "did not sign you in"),
    ("not-granted", PASSWORD, "the SAML assertion does not grant arn:aws:iam::123456789012:role/ci-deployer"),
    ("saml-admin", {}, "needs a SAML password and there is no terminal"),
])
def test_issue_11_saml_failures_say_why(emu, identity, env, message) -> None:
    use_config(SAML.format(url=emu.url))
    result = run_atmos("auth", "login", identity, env=env)
    assert result.returncode in (1, 2) and message in result.stderr, result.stderr


def test_issue_11_a_tampered_saml_assertion_is_refused_by_sts(emu) -> None:
    import base64
    import urllib.parse
    import urllib.request

    form = urllib.parse.urlencode({"username": "alice@example.com", "password": "emulator-saml-password"}).encode()
    page = urllib.request.urlopen(f"{emu.url}/_emulator/saml/login", data=form, timeout=10).read().decode()
    response = base64.b64decode(page.split('name="SAMLResponse" value="')[1].split('"')[0]).decode()
    forged = response.replace("role/saml-admin", "role/ci-deployer")
    import boto3

    sts = boto3.client("sts", region_name="us-east-1", endpoint_url=emu.url,
                       config=__import__("botocore.config", fromlist=["Config"]).Config(signature_version=
                           __import__("botocore", fromlist=["UNSIGNED"]).UNSIGNED))
    with pytest.raises(Exception, match="InvalidIdentityToken"):
        sts.assume_role_with_saml(RoleArn="arn:aws:iam::123456789012:role/ci-deployer",
                                  PrincipalArn="arn:aws:iam::123456789012:saml-provider/emulator-idp",
                                  SAMLAssertion=base64.b64encode(forged.encode()).decode())


def test_issue_11_saml_password_is_asked_on_a_terminal(emu) -> None:
    use_config(SAML.format(url=emu.url))
    child = spawn("auth", "login", "saml-admin")
    child.expect("SAML password for")
    child.sendline("emulator-saml-password")
    assert exit_status(child) == 0, child.before


#: A stand-in for the person's browser (webbrowser runs $BROWSER with the URL): it signs in at the IdP's
#: form and follows the response page's auto-posting form to wherever the IdP sends it.
BROWSER = """\
#!{python}
import re, sys, urllib.parse, urllib.request
page = urllib.request.urlopen(sys.argv[1], timeout=10).read().decode()
acs = re.search(r'name="acs" value="([^"]*)"', page).group(1)
form = urllib.parse.urlencode({{"username": "alice@example.com", "password": "emulator-saml-password",
                               "acs": acs}}).encode()
answer = urllib.request.urlopen(sys.argv[1].split("?")[0], data=form, timeout=10).read().decode()
action = re.search(r'action="([^"]+)"', answer).group(1)
value = re.search(r'name="SAMLResponse" value="([^"]+)"', answer).group(1)
done = urllib.request.urlopen(action, data=urllib.parse.urlencode({{"SAMLResponse": value}}).encode(), timeout=10)
assert b"Signed in" in done.read()
"""


def browser_config(url: str, port: int) -> str:
    return SAML.format(url=url).replace("      password: !env SAML_PASSWORD\n", (
        f"      driver: Browser\n      spec: {{acs_port: {port}}}\n")).replace(
        "/_emulator/saml/login", f"/_emulator/saml/login?acs=http://localhost:{port}/saml")


def test_issue_11_saml_browser_driver_receives_the_response_on_a_local_listener(emu, tmp_path) -> None:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    browser = tmp_path / "browser"
    browser.write_text(BROWSER.format(python=sys.executable))
    browser.chmod(0o755)
    use_config(browser_config(emu.url, port))
    assert run_atmos("auth", "validate").returncode == 0
    login = run_atmos("auth", "login", "saml-admin", env={"BROWSER": str(browser)})
    assert login.returncode == 0, login.stderr
    assert f"http://localhost:{port}/saml" in login.stderr and calls(emu, "sts:AssumeRoleWithSAML")
    who = json.loads(run_atmos("auth", "whoami", "saml-admin", "-o", "json").stdout)
    assert who["principal"] == "arn:aws:sts::123456789012:assumed-role/saml-admin/alice@example.com"
    # No browser and no terminal (CI): said at once, not a 5-minute wait.
    headless = run_atmos("auth", "login", "saml-admin", "--force", env={"BROWSER": "/bin/false"})
    assert headless.returncode == 2 and "needs a browser" in headless.stderr, headless.stderr
    # The port is taken: which one, and what to change.
    with socket.socket() as taken:
        taken.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        taken.bind(("127.0.0.1", port))
        taken.listen()
        busy = run_atmos("auth", "login", "saml-admin", "--force", env={"BROWSER": str(browser)})
    assert busy.returncode == 1 and f"localhost:{port}" in busy.stderr and "acs_port" in busy.stderr
    use_config(browser_config(emu.url, port).replace(f"acs_port: {port}", "acs_port: 70000"))
    bad = run_atmos("auth", "validate")
    assert bad.returncode != 0 and "acs_port must be a port number" in bad.stdout + bad.stderr


def test_issue_11_a_saml_password_is_never_sent_over_plain_http_to_another_host(isolated_home) -> None:
    use_config(SAML.format(url="http://idp.example.com"))
    result = run_atmos("auth", "validate")
    assert result.returncode == 1 and "must be https:// (the password is sent there)" in result.stderr
