"""Atmos's global flags work anywhere on the command line (they are persistent flags of its root):
`atmos auth validate --config atmos.yaml` is `atmos --config atmos.yaml auth validate`. They are moved
in front before click parses; nothing after `--` (a command for `exec`) is touched. `-i/--identity`
given to the `auth` group (`atmos auth -i dev-admin env`) moves to the subcommand, as in Atmos."""

from __future__ import annotations

#: Root flags that take a value, and those that do not (cloudposse/atmos pkg/flags/global_builder.go).
WITH_VALUE = {"--config", "--config-path", "--base-path", "--profile", "--logs-level", "--logs-file", "--chdir", "-C"}
SWITCHES = {"--no-color", "--force-color", "--force-tty"}
#: Atmos's other root flags, about its terminal UI, profiler, AI and stacks: accepted (a script may pass
#: them) and without effect here. Switches may carry `=value`, as cobra allows.
IGNORED_WITH_VALUE = {"--profiler-port", "--profiler-host", "--profile-file", "--profile-type", "--heatmap-mode",
                      "--skill", "--settings-list-merge-strategy", "--edition", "--redirect-stderr", "--use-version"}
IGNORED_SWITCHES = {"--mask", "--interactive", "--pager", "--cast", "--profiler-enabled", "--heatmap", "--ai"}
#: Atmos's global `-v/--verbose` (error detail); `auth validate` has its own, which shadows it there.
VERBOSE = {"-v", "--verbose"}
_IDENTITY = {"-i", "--identity"}
#: The `auth` subcommands (a word after a bare `-i` that is one of these is the subcommand, not a name).
AUTH_COMMANDS = {"login", "ecr-login", "whoami", "env", "exec", "shell", "console", "logout", "list", "validate",
                 "user", "credential-process"}


def normalize(argv: list[str]) -> list[str]:
    """`argv` with every global flag (and its value) first, and an `auth -i NAME` moved after the subcommand."""
    front: list[str] = []
    rest: list[str] = []
    index = 0
    runs: str | None = None  # `exec`/`shell`: their command's own flags are not ours
    positionals = 0
    verbose: list[str] = []
    while index < len(argv):
        arg = argv[index]
        if arg == "--" or (runs and not arg.startswith("-") and positionals >= (1 if "--" in argv[index:] else 0)):
            rest += argv[index:]
            break
        if arg.startswith("-i="):  # cobra's shorthand with `=`: -i=NAME
            arg = "--identity=" + arg[3:]
        if not arg.startswith("-"):
            if runs:
                positionals += 1
            elif arg in ("exec", "shell") and rest[-1:] == ["auth"]:
                runs = arg
        name = arg.split("=", 1)[0]
        if name in VERBOSE and not runs:
            verbose.append(arg)
        elif name in IGNORED_SWITCHES or (name in IGNORED_WITH_VALUE and "=" in arg):
            pass
        elif name in IGNORED_WITH_VALUE:
            index += 1  # and its value
        elif name in WITH_VALUE and "=" in arg:
            front.append(arg)
        elif name in WITH_VALUE and index + 1 < len(argv):
            front += [arg, argv[index + 1]]
            index += 1
        elif arg in SWITCHES:
            front.append(arg)
        else:
            rest.append(arg)
        index += 1
    words = [word for word in rest if not word.startswith("-")][:2]
    if words == ["auth", "validate"]:  # validate's own -v/--verbose
        at = rest.index("validate") + 1
        rest = [*rest[:at], *verbose, *rest[at:]]
    return front + _identity_after_subcommand(rest)


def _identity_after_subcommand(argv: list[str]) -> list[str]:
    size = 1 if argv and "=" in argv[0] else 2
    if argv[:1] and argv[0].split("=", 1)[0] in _IDENTITY and argv[size:size + 3] == ["aws", "ecr", "login"]:
        return [*argv[size:size + 3], *argv[:size], *argv[size + 3:]]  # `atmos --identity x aws ecr login`
    if "auth" not in argv or "--" in argv[:argv.index("auth")]:
        return argv
    if argv[0].split("=", 1)[0] in _IDENTITY:  # Atmos's global --identity: `atmos --identity x auth env`
        size = 1 if "=" in argv[0] else 2
        at = argv.index("auth")
        argv = [*argv[size:at + 1], *argv[:size], *argv[at + 1:]]
    start = argv.index("auth") + 1
    moved: list[str] = []
    index = start
    while index < len(argv) and argv[index].split("=", 1)[0] in _IDENTITY:
        # a bare -i (choose on a terminal) when what follows is the subcommand: `atmos auth -i env`
        takes_value = "=" not in argv[index] and index + 1 < len(argv) and argv[index + 1] not in AUTH_COMMANDS
        moved += argv[index:index + (2 if takes_value else 1)]
        index += 2 if takes_value else 1
    if not moved or index >= len(argv):
        return argv
    return [*argv[:start], argv[index], *moved, *argv[index + 1:]]
