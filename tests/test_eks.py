"""Issue 11 item 2: `aws/eks`: login writes the cluster, a user whose exec plugin runs `atmos aws eks
token`, and a context into the kubeconfig Atmos uses, keeping everything else; the plugin, run as kubectl
runs it, yields a token the emulator's authenticator (aws-iam-authenticator's checks) accepts."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
import yaml
from tests.conftest import DEV_ADMIN, calls, login_env, run_atmos, use_config

EKS = DEV_ADMIN + """\
  integrations:
    dev/eks:
      kind: aws/eks
      via: {identity: dev-admin}
      spec:
        cluster: {name: dev, region: us-east-2, alias: dev-eks}
"""
MINE = {"apiVersion": "v1", "kind": "Config", "current-context": "mine",
        "clusters": [{"name": "mine", "cluster": {"server": "https://mine.example.com"}}],
        "users": [{"name": "me", "user": {"token": "my-own-token"}}],
        "contexts": [{"name": "mine", "context": {"cluster": "mine", "user": "me"}}],
        "preferences": {"colors": True}}


def kubeconfig(home: Path) -> Path:
    return home / ".config/atmos/kube/config"


def authenticate(emu, token: str, cluster: str) -> tuple[int, dict]:
    request = urllib.request.Request(f"{emu.url}/_emulator/eks/authenticate", method="POST",
                                     data=json.dumps({"token": token, "cluster": cluster}).encode())
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as refused:
        return refused.code, json.loads(refused.read())


def run_plugin(user: dict, env: dict[str, str]) -> dict:
    """What kubectl does with a user's exec section: run it with KUBERNETES_EXEC_INFO, read stdout."""
    plugin = user["user"]["exec"]
    bin_dir = str(Path(sys.executable).parent)  # where `atmos` is installed
    full = {**os.environ, **env, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
            **{e["name"]: e["value"] for e in plugin.get("env") or []},
            "KUBERNETES_EXEC_INFO": json.dumps({"apiVersion": plugin["apiVersion"], "kind": "ExecCredential",
                                                "spec": {"interactive": False}})}
    done = subprocess.run([plugin["command"], *plugin["args"]], env=full, capture_output=True, text=True, timeout=60,
                          stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_issue_11_login_writes_the_cluster_and_keeps_everything_else(emu, isolated_home) -> None:
    use_config(EKS)
    path = kubeconfig(isolated_home)
    path.parent.mkdir(parents=True)
    path.write_text(yaml.safe_dump(MINE))
    login = run_atmos("auth", "login", "dev-admin", env=login_env())
    assert login.returncode == 0, login.stderr
    assert f"✓ EKS kubeconfig: dev-eks → {path}" in login.stderr
    assert calls(emu, "eks:") and stat.S_IMODE(path.stat().st_mode) == 0o600
    data = yaml.safe_load(path.read_text())
    assert data["current-context"] == "mine" and data["preferences"] == {"colors": True}  # not ours to change
    assert MINE["clusters"][0] in data["clusters"] and MINE["users"][0] in data["users"]
    arn = "arn:aws:eks:us-east-2:111111111111:cluster/dev"
    assert {"name": "dev-eks", "context": {"cluster": arn, "user": "atmos-eks-dev-us-east-2"}} in data["contexts"]
    user = next(u for u in data["users"] if u["name"] == "atmos-eks-dev-us-east-2")
    assert user["user"]["exec"]["command"] == "atmos" and user["user"]["exec"]["args"] == [
        "aws", "eks", "token", "--cluster-name", "dev", "--region", "us-east-2", "--identity=dev-admin"]
    again = run_atmos("auth", "login", "dev-admin")
    assert again.returncode == 0 and "EKS kubeconfig" not in again.stderr  # unchanged: nothing said
    env = json.loads(run_atmos("auth", "env", "dev-admin", "-f", "json").stdout)
    assert env["KUBECONFIG"] == env["KUBE_CONFIG_PATH"] == str(path)
    listed = json.loads(run_atmos("auth", "list", "-f", "json").stdout)["integrations"]["dev/eks"]
    assert listed["cluster"] == f"dev (us-east-2) → {path}"
    ran = run_atmos("auth", "exec", "dev-admin", "--", "sh", "-c", "echo $KUBECONFIG", env={"KUBECONFIG": "/mine"})
    assert ran.stdout.strip() == f"/mine:{path}"  # the person's own file first, as in Atmos
    dry = run_atmos("auth", "logout", "dev-admin", "--dry-run")
    assert f"kubeconfig entries of dev-eks in {path}" in dry.stderr
    assert run_atmos("auth", "logout", "dev-admin").returncode == 0
    assert yaml.safe_load(path.read_text()) == {**MINE, "apiVersion": "v1", "kind": "Config"}


def test_issue_11_the_exec_plugin_token_is_accepted_for_its_cluster_only(emu, isolated_home) -> None:
    use_config(EKS)
    assert run_atmos("auth", "login", "dev-admin", env=login_env()).returncode == 0
    data = yaml.safe_load(kubeconfig(isolated_home).read_text())
    user = next(u for u in data["users"] if u["name"] == "atmos-eks-dev-us-east-2")
    credential = run_plugin(user, {})
    assert credential["apiVersion"] == "client.authentication.k8s.io/v1beta1" and credential["kind"] == "ExecCredential"
    token = credential["status"]["token"]
    assert token.startswith("k8s-aws-v1.") and credential["status"]["expirationTimestamp"].endswith("Z")
    status, who = authenticate(emu, token, "dev")
    assert status == 200 and "AWSReservedSSO_AdministratorAccess" in who["arn"] and who["account"] == "111111111111"
    status, why = authenticate(emu, token, "prod")
    assert status == 401 and "signature does not match" in why["error"]
    status, why = authenticate(emu, token[:-8] + "AAAAAAAA", "dev")
    assert status == 401
    again = run_plugin(user, {})
    assert again["status"]["token"] == token  # kept and reused while it has time left
    emu.world.clock_offset = 16 * 60  # the authenticator's clock, 16 minutes on
    try:
        status, why = authenticate(emu, token, "dev")
        assert status == 401 and why["error"] == "the token has expired"
    finally:
        emu.world.clock_offset = 0


def test_issue_11_eks_token_and_update_kubeconfig_commands(emu, isolated_home, tmp_path) -> None:
    use_config(EKS)
    assert run_atmos("auth", "login", "-p", "company-sso", env=login_env()).returncode == 0
    token = run_atmos("aws", "eks", "token", "--cluster-name", "dev", "--region", "us-east-2", "-i", "dev-admin")
    assert token.returncode == 0, token.stderr
    assert authenticate(emu, json.loads(token.stdout)["status"]["token"], "dev")[0] == 200
    other = tmp_path / "kube"
    made = run_atmos("aws", "eks", "update-kubeconfig", "--name", "dev", "--region", "us-east-2",
                     "--identity", "dev-admin", "--alias", "dev", "--kubeconfig", str(other))
    assert made.returncode == 0 and f"✓ EKS kubeconfig: dev → {other}" in made.stderr, made.stderr
    assert yaml.safe_load(other.read_text())["current-context"] == "dev"  # the file had none
    by_integration = run_atmos("aws", "eks", "update-kubeconfig", "--integration", "dev/eks")
    assert by_integration.returncode == 0 and "dev-eks" in by_integration.stderr, by_integration.stderr
    wrong = run_atmos("aws", "eks", "update-kubeconfig", "--name", "nope", "--region", "us-east-2", "-i", "dev-admin")
    assert wrong.returncode == 1 and "eks:DescribeCluster nope" in wrong.stderr, wrong.stderr


def test_issue_11_eks_schema_as_atmos_checks_it(isolated_home) -> None:
    use_config(EKS.replace("cluster: {name: dev, region: us-east-2, alias: dev-eks}",
                           "cluster: {name: dev, kubeconfig: {mode: '0999', update: sometimes}}"))
    result = run_atmos("auth", "validate")
    assert result.returncode == 1, result.stderr
    for field in ("spec.cluster.region", "spec.cluster.kubeconfig.mode", "spec.cluster.kubeconfig.update"):
        assert f"integrations.dev/eks.{field}" in result.stderr, (field, result.stderr)


@pytest.mark.skipif(shutil.which("kubectl") is None, reason="kubectl is not installed (.ci/run installs it)")
def test_issue_11_a_real_kubectl_uses_the_written_kubeconfig(emu, isolated_home) -> None:
    """kubectl itself reads the kubeconfig login wrote, runs the exec plugin (`atmos aws eks token`) and
    sends the token to the cluster's endpoint, where the emulator's API server checks it as EKS does."""
    use_config(EKS)
    assert run_atmos("auth", "login", "dev-admin", env=login_env()).returncode == 0
    path = kubeconfig(isolated_home)
    env = {**os.environ, "KUBECONFIG": str(path), "HOME": str(isolated_home),
           "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}

    def kubectl(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(["kubectl", "--context", "dev-eks", *args], env=env, capture_output=True, text=True,
                              timeout=120, stdin=subprocess.DEVNULL)

    version = kubectl("version", "-o", "json")
    assert version.returncode == 0, version.stderr[-3000:]
    assert json.loads(version.stdout)["serverVersion"]["gitVersion"] == "v1.31.0-eks-emulator"
    client = json.loads(version.stdout)["clientVersion"]
    if (int(client["major"]), int(client["minor"].rstrip("+"))) >= (1, 27):  # `auth whoami` (Debian's 1.20: none)
        me = kubectl("auth", "whoami", "-o", "json")
        assert me.returncode == 0, me.stderr
        user = json.loads(me.stdout)["status"]["userInfo"]["username"]
        assert user.startswith("arn:aws:sts::111111111111:assumed-role/AWSReservedSSO_AdministratorAccess"), user
    assert calls(emu, "eks:Authenticate")
    assert run_atmos("auth", "logout", "dev-admin").returncode == 0
    gone = kubectl("version", "-o", "json")
    assert gone.returncode != 0 and "dev-eks" in gone.stderr  # the context is gone with the logout
