"""`atmos auth exec` and `atmos auth shell`: run programs as an identity."""

from __future__ import annotations

import os
import subprocess

import click

from atmos_auth.cli.app import App, pass_app
from atmos_auth.cli.identity_args import identity_arguments, identity_option, pick_identity
from atmos_auth.errors import UsageError

#: Inherited credentials that would silently win over the identity's profile.
CLEARED = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN",
           "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_ARN", "AWS_ROLE_SESSION_NAME")


def _identity_env(app: App, name: str, device_flow: bool) -> dict[str, str]:
    from atmos_auth.cli.terminal import TerminalInteraction
    from atmos_auth.session import context, credentialless, environment, passes_through, sign_in

    if not credentialless(app.config, name):  # generic `ambient` has nothing to sign in
        sign_in(app.config, name, context(app.config, TerminalInteraction(device_flow=device_flow)))
    ambient = passes_through(app.config, name)  # aws/ambient: the environment's credentials are the identity's
    env = {k: v for k, v in os.environ.items() if ambient or k not in CLEARED}
    env.update(app.config.global_env)  # atmos.yaml's top-level `env:`, as Atmos applies it to what it runs
    if not ambient:
        env.update({"AWS_SDK_LOAD_CONFIG": "1", "AWS_EC2_METADATA_DISABLED": "true"})  # the profile, never IMDS
    ours = environment(app.config, name)
    if "KUBECONFIG" in ours and os.environ.get("KUBECONFIG"):  # as Atmos: the person's own files come first
        ours["KUBECONFIG"] = ":".join(dict.fromkeys([*os.environ["KUBECONFIG"].split(":"), ours["KUBECONFIG"]]))
    env.update(ours)
    env["ATMOS_IDENTITY"] = name
    return env


def _run(argv: list[str], env: dict[str, str]) -> int:
    try:
        return subprocess.call(argv, env=env)
    except FileNotFoundError:
        click.echo(f"Error: command not found: {argv[0]}", err=True)
        return 127
    except PermissionError:
        click.echo(f"Error: permission denied: {argv[0]}", err=True)
        return 126


@click.command("exec", context_settings={"ignore_unknown_options": True, "allow_interspersed_args": False})
@identity_option
@click.option("--device-flow", is_flag=True, help="Allow a headless device flow if a sign-in is needed.")
@click.argument("args", nargs=-1, type=click.UNPROCESSED, metavar="[IDENTITY] -- COMMAND [ARGS]...")
@pass_app
def exec_command(app: App, identity_option: str | None, device_flow: bool, args: tuple[str, ...]) -> None:
    """Run COMMAND with IDENTITY's AWS profile; its exit code becomes ours.

    Inherited AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN are cleared so the
    profile is what the command uses.

    \b
    Examples:
      atmos auth exec dev-admin -- aws sts get-caller-identity
      atmos auth exec -i prod-deployer -- terraform plan
    """
    items = list(args)
    positional = None
    if "--" in items:
        split = items.index("--")
        before, command = items[:split], items[split + 1:]
        if len(before) > 1:
            raise UsageError("give at most one IDENTITY before --")
        positional = before[0] if before else None
    else:
        command = items
    if not command:
        raise UsageError("no command given", remedy="atmos auth exec IDENTITY -- COMMAND [ARGS]...")
    name = pick_identity(app, positional, identity_option)
    raise click.exceptions.Exit(_run(command, _identity_env(app, name, device_flow)))


@click.command("shell", context_settings={"ignore_unknown_options": True, "allow_interspersed_args": False})
@identity_option
@click.option("--shell", "shell", metavar="PATH", help="Shell to start (default: $ATMOS_SHELL, $SHELL, /bin/sh).")
@click.argument("args", nargs=-1, type=click.UNPROCESSED, metavar="[IDENTITY] [-- SHELL_ARGS]...")
@pass_app
def shell_command(app: App, identity_option: str | None, shell: str | None, args: tuple[str, ...]) -> None:
    """Start a shell with IDENTITY's AWS profile; `exit` returns with the shell's exit code. With no
    SHELL_ARGS it is a login shell (-l), as in Atmos; after `--` they go to the shell.

    \b
    Examples:
      atmos auth shell dev-admin
      atmos auth shell dev-admin -- -c 'aws sts get-caller-identity'
    """
    items = list(args)
    split = items.index("--") if "--" in items else len(items)
    before, shell_args = items[:split], items[split + 1:]
    while len(before) > 1 and before[1].split("=", 1)[0] in ("--shell", "-i", "--identity"):  # options after IDENTITY
        flag, _, value = before.pop(1).partition("=")
        value = value or (before.pop(1) if len(before) > 1 else "")
        shell, identity_option = (value, identity_option) if flag == "--shell" else (shell, value)
    if len(before) > 1:
        raise UsageError(f"one identity, then `--` and the shell's arguments; got {' '.join(before)}")
    name = pick_identity(app, before[0] if before else None, identity_option)
    env = _identity_env(app, name, device_flow=False)
    env["ATMOS_SHLVL"] = str(int(os.environ.get("ATMOS_SHLVL", "0") or 0) + 1)
    program = shell or os.environ.get("ATMOS_SHELL") or os.environ.get("SHELL") or "/bin/sh"
    click.echo(f"→ Entering a shell as {name} (type 'exit' to leave)", err=True)
    code = _run([program, *(shell_args or ["-l"])], env)
    click.echo(f"← Left the shell of {name}", err=True)
    raise click.exceptions.Exit(code)


@click.command("credential-process")
@identity_arguments
@click.option("--device-flow", is_flag=True, help="Allow a headless device flow if a sign-in is needed.")
@pass_app
def credential_process_command(app: App, identity: str | None, identity_option: str | None,
                               device_flow: bool) -> None:
    """Print IDENTITY's credentials as the AWS SDK's credential_process JSON, for any AWS profile.

    Signs in as `login` does (cached credentials while they have time left; no integrations).
    The output holds the secret keys: it is meant for the SDK that runs it, not for a terminal.

    \b
    In ~/.aws/config:
      [profile dev-admin]
      credential_process = atmos auth credential-process dev-admin
    """
    import json

    from atmos_auth.cli.terminal import TerminalInteraction
    from atmos_auth.session import context, sign_in

    name = pick_identity(app, identity, identity_option)
    creds = sign_in(app.config, name, context(app.config, TerminalInteraction(device_flow=device_flow))).auth.credentials
    document = {"Version": 1, "AccessKeyId": creds.access_key_id, "SecretAccessKey": creds.secret_access_key}
    if creds.session_token:
        document["SessionToken"] = creds.session_token
    if creds.expires_at:
        from datetime import UTC

        document["Expiration"] = creds.expires_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    click.echo(json.dumps(document))
