"""The emulator, driven over real HTTP by boto3 (the same client the CLI uses)."""

from __future__ import annotations

import base64
import json
import threading
import time
import urllib.request

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from atmos_auth.emulator.control import GITHUB_REQUEST_TOKEN

START_URL = "https://company.awsapps.com/start/"
ALICE = {"aws_access_key_id": "AKIAEMULATORALICE001",
         "aws_secret_access_key": "emulator-only-secret-for-alice-0000000000"}
NO_RETRY = Config(retries={"total_max_attempts": 1, "mode": "standard"})


def control(emu, path, payload=None, method=None):
    data = None if payload is None else json.dumps(payload).encode()
    request = urllib.request.Request(emu.url + path, data=data, method=method or ("POST" if data else "GET"),
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request) as response:
        return json.loads(response.read())


def device_flow(emu, approve=True):
    oidc = boto3.client("sso-oidc", region_name="us-east-1")
    reg = oidc.register_client(clientName="t", clientType="public", scopes=["sso:account:access"])
    auth = oidc.start_device_authorization(clientId=reg["clientId"], clientSecret=reg["clientSecret"], startUrl=START_URL)
    return oidc, reg, auth


def test_device_flow_end_to_end_over_http(emu) -> None:
    emu.world.auto_approve = False
    oidc, reg, auth = device_flow(emu)
    grant = dict(clientId=reg["clientId"], clientSecret=reg["clientSecret"],
                 grantType="urn:ietf:params:oauth:grant-type:device_code", deviceCode=auth["deviceCode"])
    with pytest.raises(ClientError) as pending:
        oidc.create_token(**grant)
    assert pending.value.response["Error"]["Code"] == "AuthorizationPendingException"
    with pytest.raises(ClientError) as slow:
        oidc.create_token(**grant)  # polled again at once: slow down
    assert slow.value.response["Error"]["Code"] == "SlowDownException"
    # A person opens the verification page and presses Approve (a real form post).
    page = urllib.request.urlopen(auth["verificationUriComplete"]).read().decode()
    assert auth["userCode"] in page and "Approve" in page
    form = f"user_code={auth['userCode']}&decision=approve".encode()
    urllib.request.urlopen(urllib.request.Request(emu.url + "/device/decide", data=form))
    time.sleep(auth["interval"] + 5)  # slow_down added 5 s
    token = oidc.create_token(**grant)
    assert token["accessToken"] and token["refreshToken"]
    sso = boto3.client("sso", region_name="us-east-1")
    names, kwargs = [], {}
    while True:
        page = sso.list_accounts(accessToken=token["accessToken"], **kwargs)
        names += [a["accountName"] for a in page["accountList"]]
        if "nextToken" not in page:
            break
        kwargs = {"nextToken": page["nextToken"]}
    assert names == ["dev", "production", "platform"]
    creds = sso.get_role_credentials(accessToken=token["accessToken"], accountId="111111111111",
                                     roleName="AdministratorAccess")["roleCredentials"]
    sts = boto3.client("sts", region_name="us-east-1", aws_access_key_id=creds["accessKeyId"],
                       aws_secret_access_key=creds["secretAccessKey"], aws_session_token=creds["sessionToken"])
    assert ":assumed-role/AWSReservedSSO_AdministratorAccess_" in sts.get_caller_identity()["Arn"]
    refreshed = oidc.create_token(clientId=reg["clientId"], clientSecret=reg["clientSecret"],
                                  grantType="refresh_token", refreshToken=token["refreshToken"])
    sso.logout(accessToken=token["accessToken"])
    with pytest.raises(ClientError, match="Unauthorized"):
        sso.list_accounts(accessToken=token["accessToken"])
    assert sso.list_accounts(accessToken=refreshed["accessToken"])["accountList"]


@pytest.mark.parametrize(("decision", "code"), [("deny", "AccessDeniedException")])
def test_denied_device_code(emu, decision, code) -> None:
    emu.world.auto_approve = False
    oidc, reg, auth = device_flow(emu)
    control(emu, f"/_emulator/device/{decision}", {"user_code": auth["userCode"]})
    with pytest.raises(ClientError) as caught:
        oidc.create_token(clientId=reg["clientId"], clientSecret=reg["clientSecret"],
                          grantType="urn:ietf:params:oauth:grant-type:device_code", deviceCode=auth["deviceCode"])
    assert caught.value.response["Error"]["Code"] == code


def test_expired_device_code(emu) -> None:
    oidc, reg, auth = device_flow(emu)
    emu.world.devices[auth["deviceCode"]].expires_at = 0
    with pytest.raises(ClientError) as caught:
        oidc.create_token(clientId=reg["clientId"], clientSecret=reg["clientSecret"],
                          grantType="urn:ietf:params:oauth:grant-type:device_code", deviceCode=auth["deviceCode"])
    assert caught.value.response["Error"]["Code"] == "ExpiredTokenException"


def _role_session(emu):
    oidc, reg, auth = device_flow(emu)
    token = oidc.create_token(clientId=reg["clientId"], clientSecret=reg["clientSecret"],
                              grantType="urn:ietf:params:oauth:grant-type:device_code", deviceCode=auth["deviceCode"])
    creds = boto3.client("sso", region_name="us-east-1").get_role_credentials(
        accessToken=token["accessToken"], accountId="111111111111", roleName="AdministratorAccess")["roleCredentials"]
    return boto3.Session(aws_access_key_id=creds["accessKeyId"], aws_secret_access_key=creds["secretAccessKey"],
                         aws_session_token=creds["sessionToken"])


def test_ecr_tokens_follow_grants_and_last_twelve_hours(emu) -> None:
    session = _role_session(emu)
    ecr = session.client("ecr", region_name="us-east-2")
    data = ecr.get_authorization_token(registryIds=["111111111111", "999999999999"])["authorizationData"]
    assert [d["proxyEndpoint"] for d in data] == ["https://111111111111.dkr.ecr.us-east-2.amazonaws.com",
                                                  "https://999999999999.dkr.ecr.us-east-2.amazonaws.com"]
    left = data[0]["expiresAt"].timestamp() - time.time()
    assert 11.9 * 3600 < left <= 12 * 3600
    user, password = base64.b64decode(data[0]["authorizationToken"]).decode().split(":", 1)
    assert user == "AWS" and password == control(emu, "/_emulator/ecr-password/111111111111")["password"]
    with pytest.raises(ClientError) as denied:
        ecr.get_authorization_token(registryIds=["222222222222"])
    assert denied.value.response["Error"]["Code"] == "AccessDeniedException"
    china = session.client("ecr", region_name="cn-north-1").get_authorization_token(registryIds=["111111111111"])
    assert china["authorizationData"][0]["proxyEndpoint"].endswith(".dkr.ecr.cn-north-1.amazonaws.com.cn")
    public = session.client("ecr-public", region_name="us-east-1").get_authorization_token()
    assert public["authorizationData"]["authorizationToken"]


def test_assume_role_trust_external_id_and_chain(emu) -> None:
    session = _role_session(emu)
    sts = session.client("sts", region_name="us-east-1")
    deployer = sts.assume_role(RoleArn="arn:aws:iam::222222222222:role/deployer", RoleSessionName="s1")["Credentials"]
    second = boto3.client("sts", region_name="us-east-1", aws_access_key_id=deployer["AccessKeyId"],
                          aws_secret_access_key=deployer["SecretAccessKey"], aws_session_token=deployer["SessionToken"])
    with pytest.raises(ClientError, match="ExternalId"):
        second.assume_role(RoleArn="arn:aws:iam::333333333333:role/auditor", RoleSessionName="s2")
    auditor = second.assume_role(RoleArn="arn:aws:iam::333333333333:role/auditor", RoleSessionName="s2",
                                 ExternalId="audit-2026")
    assert auditor["AssumedRoleUser"]["Arn"] == "arn:aws:sts::333333333333:assumed-role/auditor/s2"
    with pytest.raises(ClientError) as denied:
        sts.assume_role(RoleArn="arn:aws:iam::333333333333:role/auditor", RoleSessionName="s3", ExternalId="audit-2026")
    assert denied.value.response["Error"]["Code"] == "AccessDenied"


def test_bad_secret_is_rejected(emu) -> None:
    sts = boto3.client("sts", region_name="us-east-1", aws_access_key_id=ALICE["aws_access_key_id"],
                       aws_secret_access_key="wrong", config=NO_RETRY)
    with pytest.raises(ClientError) as caught:
        sts.get_caller_identity()
    assert caught.value.response["Error"]["Code"] == "SignatureDoesNotMatch"


def test_web_identity_from_github_and_gitlab(emu) -> None:
    request = urllib.request.Request(f"{emu.url}/_emulator/oidc/github/token?audience=sts.amazonaws.com",
                                     headers={"Authorization": f"bearer {GITHUB_REQUEST_TOKEN}"})
    github = json.loads(urllib.request.urlopen(request).read())["value"]
    gitlab = control(emu, "/_emulator/oidc/gitlab/mint", {"audience": "sts.amazonaws.com"})["token"]
    sts = boto3.client("sts", region_name="us-east-1")
    for jwt in (github, gitlab):
        out = sts.assume_role_with_web_identity(RoleArn="arn:aws:iam::123456789012:role/ci-deployer",
                                                RoleSessionName="ci", WebIdentityToken=jwt)
        assert out["AssumedRoleUser"]["Arn"].endswith("assumed-role/ci-deployer/ci")
    forged = github[:-8] + "AAAAAAAA"
    with pytest.raises(ClientError) as caught:
        sts.assume_role_with_web_identity(RoleArn="arn:aws:iam::123456789012:role/ci-deployer",
                                          RoleSessionName="ci", WebIdentityToken=forged)
    assert caught.value.response["Error"]["Code"] == "InvalidIdentityToken"
    wrong_aud = control(emu, "/_emulator/oidc/gitlab/mint", {"audience": "other"})["token"]
    with pytest.raises(ClientError, match="audience"):
        sts.assume_role_with_web_identity(RoleArn="arn:aws:iam::123456789012:role/ci-deployer",
                                          RoleSessionName="ci", WebIdentityToken=wrong_aud)


def test_mfa_session_token(emu) -> None:
    sts = boto3.client("sts", region_name="us-east-1", **ALICE)
    with pytest.raises(ClientError, match="MultiFactorAuthentication"):
        sts.get_session_token(SerialNumber="arn:aws:iam::123456789012:mfa/alice", TokenCode="000000")
    creds = sts.get_session_token(SerialNumber="arn:aws:iam::123456789012:mfa/alice", TokenCode="123456")["Credentials"]
    assert creds["SessionToken"]


def test_faults_latency_and_request_log(emu) -> None:
    sts = boto3.client("sts", region_name="us-east-1", config=NO_RETRY, **ALICE)
    control(emu, "/_emulator/faults", {"operation": "sts:GetCallerIdentity", "kind": "throttle", "count": 1})
    with pytest.raises(ClientError, match="Throttling"):
        sts.get_caller_identity()
    control(emu, "/_emulator/faults", {"operation": "sts:GetCallerIdentity", "kind": "error500", "count": 1})
    with pytest.raises(ClientError, match="InternalFailure"):
        sts.get_caller_identity()
    assert sts.get_caller_identity()["Account"] == "123456789012"
    retrying = boto3.client("sts", region_name="us-east-1", config=Config(retries={"max_attempts": 3}), **ALICE)
    control(emu, "/_emulator/faults", {"operation": "sts:GetCallerIdentity", "kind": "reset", "count": 1})
    assert retrying.get_caller_identity()["Account"] == "123456789012"
    control(emu, "/_emulator/latency", {"ms": 150})
    started = time.monotonic()
    sts.get_caller_identity()
    assert time.monotonic() - started >= 0.15
    log = control(emu, "/_emulator/requests")
    assert [e["status"] for e in log if e["operation"] == "sts:GetCallerIdentity"][:3] == [400, 500, 200]
    assert log[-1]["principal"] == "arn:aws:iam::123456789012:user/alice"


def test_eks_describe_cluster_through_moto(emu) -> None:
    eks = _role_session(emu).client("eks", region_name="us-east-2")
    cluster = eks.describe_cluster(name="dev")["cluster"]
    assert cluster["status"] == "ACTIVE" and cluster["arn"].startswith("arn:aws:eks:us-east-2:111111111111:cluster/")


def test_emulator_process_prints_url_first_and_stops_on_sigterm() -> None:
    import subprocess
    import sys

    started = time.monotonic()
    proc = subprocess.Popen([sys.executable, "-m", "atmos_auth.emulator", "--auto-approve"], stdout=subprocess.PIPE,
                            text=True)
    url = proc.stdout.readline().strip()
    assert url.startswith("http://127.0.0.1:")
    assert json.loads(urllib.request.urlopen(url + "/_emulator/health").read())["ok"]
    assert time.monotonic() - started < 5
    proc.terminate()
    assert proc.wait(timeout=10) == 0


def test_parallel_calls_are_served_concurrently(emu) -> None:
    control(emu, "/_emulator/latency", {"ms": 300})
    sts = boto3.client("sts", region_name="us-east-1", **ALICE)
    threads = [threading.Thread(target=sts.get_caller_identity) for _ in range(4)]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert time.monotonic() - started < 1.0


def test_fixture_file_and_fault_flag(tmp_path, monkeypatch) -> None:
    import subprocess
    import sys

    fixture = tmp_path / "world.yaml"
    fixture.write_text("""\
accounts:
  - {id: "444444444444", name: sandbox}
permission_sets:
  - {account: sandbox, name: Dev, ecr: ["444444444444"]}
ttl: {ecr_token: 600}
page_size: 5
""")
    proc = subprocess.Popen([sys.executable, "-m", "atmos_auth.emulator", "--fixture", str(fixture), "--auto-approve",
                             "--fault", "ecr:GetAuthorizationToken=throttle:1"], stdout=subprocess.PIPE, text=True)
    try:
        url = proc.stdout.readline().strip()
        monkeypatch.setenv("AWS_ENDPOINT_URL", url)
        oidc = boto3.client("sso-oidc", region_name="us-east-1")
        reg = oidc.register_client(clientName="t", clientType="public")
        auth = oidc.start_device_authorization(clientId=reg["clientId"], clientSecret=reg["clientSecret"],
                                               startUrl=START_URL)
        token = oidc.create_token(clientId=reg["clientId"], clientSecret=reg["clientSecret"],
                                  grantType="urn:ietf:params:oauth:grant-type:device_code",
                                  deviceCode=auth["deviceCode"])["accessToken"]
        sso = boto3.client("sso", region_name="us-east-1")
        assert [a["accountName"] for a in sso.list_accounts(accessToken=token)["accountList"]] == ["sandbox"]
        rc = sso.get_role_credentials(accessToken=token, accountId="444444444444", roleName="Dev")["roleCredentials"]
        ecr = boto3.client("ecr", region_name="eu-west-1", aws_access_key_id=rc["accessKeyId"],
                           aws_secret_access_key=rc["secretAccessKey"], aws_session_token=rc["sessionToken"],
                           config=NO_RETRY)
        with pytest.raises(ClientError, match="Throttling"):
            ecr.get_authorization_token()
        data = ecr.get_authorization_token()["authorizationData"][0]
        assert data["expiresAt"].timestamp() - time.time() <= 600
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_hang_fault_trips_the_client_timeout(emu) -> None:
    from botocore.exceptions import ReadTimeoutError

    control(emu, "/_emulator/faults", {"operation": "sts:GetCallerIdentity", "kind": "hang", "count": 1,
                                       "seconds": 2})
    sts = boto3.client("sts", region_name="us-east-1",
                       config=Config(read_timeout=0.5, retries={"total_max_attempts": 1}), **ALICE)
    with pytest.raises(ReadTimeoutError):
        sts.get_caller_identity()


def test_parse_fault_rejects_nonsense() -> None:
    from atmos_auth.emulator.state import parse_fault

    assert parse_fault("sso:GetRoleCredentials=error500:3").count == 3
    with pytest.raises(ValueError, match="bad fault"):
        parse_fault("ecr:GetAuthorizationToken=explode")


def test_list_account_roles_is_paginated(emu) -> None:
    oidc, reg, auth = device_flow(emu)
    token = oidc.create_token(clientId=reg["clientId"], clientSecret=reg["clientSecret"],
                              grantType="urn:ietf:params:oauth:grant-type:device_code",
                              deviceCode=auth["deviceCode"])["accessToken"]
    sso = boto3.client("sso", region_name="us-east-1")
    emu.world.fixture.permission_sets[("111111111111", "ReadOnly")] = emu.world.fixture.permission_sets[
        ("111111111111", "AdministratorAccess")]
    emu.world.fixture.permission_sets[("111111111111", "Billing")] = emu.world.fixture.permission_sets[
        ("111111111111", "AdministratorAccess")]
    try:
        first = sso.list_account_roles(accessToken=token, accountId="111111111111")
        assert len(first["roleList"]) == 2 and "nextToken" in first
        pages = sso.get_paginator("list_account_roles").paginate(accessToken=token, accountId="111111111111")
        assert sorted(r["roleName"] for p in pages for r in p["roleList"]) == ["AdministratorAccess", "Billing",
                                                                                 "ReadOnly"]
    finally:
        del emu.world.fixture.permission_sets[("111111111111", "ReadOnly")]
        del emu.world.fixture.permission_sets[("111111111111", "Billing")]
