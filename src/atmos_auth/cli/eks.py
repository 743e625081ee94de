"""Atmos's `atmos aws eks token` (the kubeconfig exec plugin) and `atmos aws eks update-kubeconfig`."""

from __future__ import annotations

import click

from atmos_auth.cli import output
from atmos_auth.cli.app import App, pass_app
from atmos_auth.cli.identity_args import identity_option, pick_identity
from atmos_auth.errors import UsageError


@click.command("token")
@click.option("--cluster-name", required=True, metavar="NAME", help="The EKS cluster's name.")
@click.option("--region", metavar="REGION", help="The cluster's region (default: the identity's).")
@identity_option
@pass_app
def eks_token_command(app: App, cluster_name: str, region: str | None, identity_option: str | None) -> None:
    """Print an ExecCredential for the cluster, as kubectl's exec plugin expects it.

    The token is a presigned sts:GetCallerIdentity URL for the cluster (no AWS call beyond
    signing in); it is kept and reused until a minute before it expires. Never prompts: when
    a sign-in would need a person, it says to run `atmos auth login`.

    \b
    Examples:
      atmos aws eks token --cluster-name dev --region us-east-2 -i dev-admin
    """
    from atmos_auth.authenticate import cached_credentials
    from atmos_auth.chain import identity_region
    from atmos_auth.eks_token import cached_token, exec_credential, token
    from atmos_auth.session import context, sign_in

    name = pick_identity(app, None, identity_option)
    where = region or identity_region(app.config, name)
    ctx = context(app.config)
    creds = cached_credentials(app.config, name, ctx) or sign_in(app.config, name, ctx, provision=False).auth.credentials
    # Keyed by the credentials too: a token outlives neither a logout nor the credentials it was signed with.
    key = f"eks-token:{app.config.realm}:{name}:{where}:{cluster_name}:{creds.access_key_id}"
    value, expires = cached_token(ctx.sessions, key, lambda: token(creds, cluster_name, where))
    click.echo(exec_credential(value, expires), nl=False)


@click.command("update-kubeconfig")
@click.option("--integration", metavar="NAME", help="Run this aws/eks integration, as login does.")
@click.option("--name", "cluster", metavar="CLUSTER", help="The cluster (with --identity).")
@click.option("--region", metavar="REGION", help="With --name: the cluster's region (default: the identity's).")
@click.option("--alias", metavar="CONTEXT", help="With --name: the context's name (default: the cluster ARN).")
@click.option("--kubeconfig", metavar="PATH", help="With --name: the file (default: Atmos's).")
@identity_option
@pass_app
def eks_update_kubeconfig_command(app: App, integration: str | None, cluster: str | None, region: str | None,
                                  alias: str | None, kubeconfig: str | None, identity_option: str | None) -> None:
    """Write a cluster, its user (the exec plugin) and a context into the kubeconfig.

    \b
    Examples:
      atmos aws eks update-kubeconfig --integration dev/eks
      atmos aws eks update-kubeconfig --name dev --region us-east-2 --identity dev-admin --alias dev
    """
    from atmos_auth.config import snapshot

    if cluster:  # its integration is validated here, with pydantic: no models without it
        snapshot.expect(None)
    from atmos_auth.chain import identity_region
    from atmos_auth.cli.login import registry_lines
    from atmos_auth.cli.terminal import TerminalInteraction
    from atmos_auth.credentials import utcnow
    from atmos_auth.integrations import eks
    from atmos_auth.session import context, sign_in

    if bool(integration) == bool(cluster):
        raise UsageError("give --integration NAME, or --name CLUSTER with --identity")
    if integration:
        entry = app.config.integrations.get(integration)
        if not isinstance(entry, eks.Config) or not entry.via.identity:
            raise UsageError(f'"{integration}" is not an aws/eks integration with via.identity')
        name, config = entry.via.identity, entry
    else:
        if not identity_option:
            raise UsageError("--name needs --identity (this tool does not run the aws CLI)")
        name = pick_identity(app, None, identity_option)
        from atmos_auth.config.schema import ValidationError

        spec = {"cluster": {"name": cluster, "region": region or identity_region(app.config, name), "alias": alias,
                            "kubeconfig": {"path": kubeconfig}}}
        try:
            config = eks.Config.model_validate({"kind": "aws/eks", "via": {"identity": name}, "spec": spec})
        except ValidationError as exc:
            first = exc.errors()[0]
            raise UsageError(f"--{first['loc'][-1]}: {first['msg']}") from None
    creds = sign_in(app.config, name, context(app.config, TerminalInteraction())).auth.credentials
    result = eks.write(integration or config.spec.cluster.name, config, name, creds)
    if result.ok and result.reused:
        output.ok(f"EKS kubeconfig: {result.host} → {result.store} (already up to date)")
    registry_lines([result], utcnow())
    if not result.ok:
        raise click.exceptions.Exit(1)
