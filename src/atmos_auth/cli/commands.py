"""Every subcommand, in the order `--help` shows them, imported only when it runs: a command pays for its
own module, not for every command's (`--help` lists them from this table)."""

from __future__ import annotations

import importlib

import click

#: group -> name -> (module, attribute, the first line of its help as --help lists it)
LAZY: dict[str, dict[str, tuple[str, str, str]]] = {
    "auth": {
        "login": ("login", "login_command", "Sign in as IDENTITY, write its AWS profile, and run its "
                                            "auto_provision integrations."),
        "ecr-login": ("ecr", "ecr_login_command", "Log Docker in to Amazon ECR; credentials go to "
                                                  "$DOCKER_CONFIG/config.json (else ~/.docker)."),
        "whoami": ("inspect_session", "whoami_command", "Show who IDENTITY's cached credentials are "
                                                        "(sts:GetCallerIdentity) and the ECR logins written for it."),
        "env": ("inspect_session", "env_command", "Print the variables that point AWS tools (and Docker) at "
                                                  "IDENTITY's profile, and the identity's own `env:`."),
        "exec": ("run", "exec_command", "Run COMMAND with IDENTITY's AWS profile; its exit code becomes ours."),
        "shell": ("run", "shell_command", "Start a shell with IDENTITY's AWS profile; `exit` returns with the "
                                          "shell's exit code."),
        "console": ("console_cmd", "console_command", "Sign in to the AWS console as IDENTITY (through AWS's "
                                                      "federation endpoint) and open it."),
        "credential-process": ("run", "credential_process_command", "Print IDENTITY's credentials as the AWS "
                                                                    "SDK's credential_process JSON, for any AWS profile."),
        "logout": ("login", "logout_command", "Remove what this tool stored: cached credentials, AWS profile "
                                              "sections, SSO sessions, Docker logins."),
        "list": ("inspect", "list_command", "List providers, identities (with their chains) and integrations."),
        "validate": ("inspect", "validate_command", "Check the `auth:` section of atmos.yaml; print every "
                                                    "problem with file:line."),
        "user": ("user", "user_group", "Manage aws/user identities' long-lived keys."),
    },
    "ecr": {"login": ("ecr", "aws_ecr_login_command", "Log Docker in to Amazon ECR by integration, by identity, "
                                                      "or by registry (Atmos's `aws ecr login`).")},
    "eks": {
        "token": ("eks", "eks_token_command", "Print an ExecCredential for the cluster, as kubectl's exec "
                                              "plugin expects it."),
        "update-kubeconfig": ("eks", "eks_update_kubeconfig_command", "Write a cluster, its user (the exec "
                                                                      "plugin) and a context into the kubeconfig."),
    },
}


def load(group: str, name: str) -> click.Command | None:
    entry = LAZY.get(group, {}).get(name)
    if entry is None:
        return None
    command = getattr(importlib.import_module(f"atmos_auth.cli.{entry[0]}"), entry[1])
    return command if isinstance(command, click.Command) else None


def placeholder(group: str, name: str) -> click.Command:
    """A stand-in with the command's short help, for `--help` (nothing imported)."""
    return click.Command(name, help=LAZY[group][name][2])
