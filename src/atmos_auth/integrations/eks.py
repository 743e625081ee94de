"""aws/eks: after login, the cluster, a user whose exec plugin runs `atmos aws eks token`, and a context,
written into the kubeconfig Atmos uses (cloudposse/atmos pkg/auth/integrations/aws/eks.go): names as
Atmos gives them (cluster = its ARN, user = atmos-eks-<name>-<region>, context = the alias or the ARN)."""

from __future__ import annotations

from typing import Any, Literal

from atmos_auth.config.model import IntegrationConfig
from atmos_auth.config.schema import field_validator
from atmos_auth.config.types import Region, Strict
from atmos_auth.credentials import Credentials
from atmos_auth.integrations.ecr import RegistryLogin

KIND = "aws/eks"


class Kubeconfig(Strict):
    path: str | None = None
    mode: str = "0600"
    update: Literal["merge", "replace", "error"] = "merge"

    @field_validator("mode", mode="before")
    @classmethod
    def _octal(cls, value: Any) -> str:
        # YAML reads an unquoted 0600 as the number 384: that number is the mode already
        text = f"0{value:o}" if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 0o777 \
            else str(value)
        try:
            if not 0 <= int(text, 8) <= 0o777:
                raise ValueError
        except ValueError:
            raise ValueError(f'must be an octal file mode such as "0600", got "{text}"') from None
        return text


class Cluster(Strict):
    name: str
    region: Region
    alias: str | None = None
    kubeconfig: Kubeconfig = Kubeconfig()


class Spec(Strict):
    auto_provision: bool = True
    cluster: Cluster


class Config(IntegrationConfig):
    kind: Literal["aws/eks"]
    spec: Spec

    @property
    def kubeconfig_path(self) -> Any:
        from atmos_auth.stores.kubeconfig import kubeconfig_path

        return kubeconfig_path(self.spec.cluster.kubeconfig.path)


def user_name(cluster: Cluster) -> str:
    return f"atmos-eks-{cluster.name}-{cluster.region}"


def kubeconfig_of(config: Config) -> Any:
    from atmos_auth.stores.kubeconfig import KubeConfig

    return KubeConfig(config.kubeconfig_path, int(config.spec.cluster.kubeconfig.mode, 8))


def write(name: str, config: Config, identity: str | None, credentials: Credentials) -> RegistryLogin:
    """DescribeCluster, then the three entries; the result names the context and the file."""
    from atmos_auth.aws import client, translate
    from atmos_auth.errors import AtmosAuthError
    from atmos_auth.stores.kubeconfig import Entry

    cluster = config.spec.cluster
    kube = kubeconfig_of(config)
    try:
        found = client("eks", cluster.region, credentials).describe_cluster(name=cluster.name)["cluster"]
    except Exception as exc:
        error = translate(exc, identity=identity, step=name, action=f"eks:DescribeCluster {cluster.name} in {cluster.region}")
        return RegistryLogin(cluster.alias or cluster.name, name, kind="eks", error=error.message)
    arn = found["arn"]
    args = ["aws", "eks", "token", "--cluster-name", cluster.name, "--region", cluster.region]
    exec_spec: dict[str, Any] = {"apiVersion": "client.authentication.k8s.io/v1beta1", "command": "atmos",
                                 "args": [*args, f"--identity={identity}"] if identity else args,
                                 "env": [{"name": "ATMOS_IDENTITY", "value": identity}] if identity else None,
                                 "interactiveMode": "Never", "provideClusterInfo": False}
    entry = Entry(cluster=arn, user=user_name(cluster), context=cluster.alias or arn,
                  cluster_data={"certificate-authority-data": (found.get("certificateAuthority") or {}).get("data", ""),
                                "server": found.get("endpoint", "")},
                  user_data={"exec": exec_spec}, context_data={"cluster": arn, "user": user_name(cluster)})
    try:
        changed = kube.put(entry, refuse_others=cluster.kubeconfig.update == "error")
    except AtmosAuthError as exc:
        return RegistryLogin(entry.context, name, kind="eks", store=str(kube.path), error=exc.message)
    return RegistryLogin(entry.context, name, kind="eks", store=str(kube.path), reused=not changed)


def remove(config: Config, dry_run: bool = False) -> tuple[str, bool]:
    """Logout: the entries `write` made for this cluster (found by its ARN's `cluster/<name>` and region)."""
    cluster = config.spec.cluster
    kube = kubeconfig_of(config)
    return str(kube.path), kube.drop_cluster(cluster.name, cluster.region, user_name(cluster), cluster.alias,
                                             dry_run=dry_run)
