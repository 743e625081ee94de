"""Atmos's YAML functions for atmos.yaml (cloudposse/atmos pkg/config/process_yaml.go, pkg/function/tag).

Each takes the text after its tag and returns a value, or raises FunctionError with a message that the
reader locates (`file:line: yaml.path: …`). `!unset` and `!append` act on the merge (config.merge).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

from atmos_auth.config.yaml_source import Context

#: Evaluated in atmos.yaml, as in Atmos (tag.AtmosConfigYAML).
CONFIG_TAGS = ("!env", "!exec", "!include", "!include.raw", "!repo-root", "!git.root", "!git.sha", "!git.ref",
               "!git.branch", "!git.repository", "!git.owner", "!git.name", "!git.host", "!git.url", "!cwd",
               "!random", "!unset", "!append")
#: Evaluated by Atmos only in stack manifests: kept as they are outside `auth:`.
STACK_TAGS = ("!terraform.output", "!terraform.state", "!store", "!store.get", "!template", "!literal",
              "!aws.account_id", "!aws.caller_identity_arn", "!aws.caller_identity_user_id", "!aws.region",
              "!aws.organization_id", "!atmos.component", "!include.yaml", "!include.json")
#: Longest a command of !exec may run, and the most it may print.
EXEC_TIMEOUT = 60.0
MAX_OUTPUT = 16 * 2**20


class FunctionError(Exception):
    pass


def evaluate(tag: str, text: str, context: Context) -> Any:
    handler = _HANDLERS.get(tag)
    if handler is None:
        raise FunctionError(f"{tag} is not evaluated in atmos.yaml" if tag in STACK_TAGS
                            else f"unknown YAML function {tag}")
    if tag not in _STEADY:
        from atmos_auth.config.observe import volatile

        volatile(f"{tag} may answer differently next time")
    return handler(text.strip(), context)


def _env(text: str, context: Context) -> Any:
    parts = text.split(None, 1)
    if not parts:
        raise FunctionError("!env needs a variable name")
    value = context.environ.get(parts[0])
    if value is None and len(parts) > 1:
        value = unquoted(parts[1])
    return (value or "").strip()


def unquoted(text: str) -> str:
    """A default as Atmos reads it: a quoted one loses its quotes, a doubled quote inside is one quote."""
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        return text[1:-1].replace(text[0] * 2, text[0])
    return text


def _exec(text: str, context: Context) -> Any:
    """The command's stdout, without trailing line breaks, as JSON when it is JSON (as Atmos does). Output
    goes to files, so a command that leaves a child running in the background does not hold us."""
    import signal
    import tempfile

    if not text:
        raise FunctionError("!exec needs a command")
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        try:
            proc = subprocess.Popen(["/bin/sh", "-c", text], cwd=context.cwd, env=dict(context.environ),
                                    stdin=subprocess.DEVNULL, stdout=out, stderr=err, start_new_session=True)
        except OSError as exc:
            raise FunctionError(f"!exec: cannot run the command: {exc.strerror}") from None
        try:
            code = proc.wait(timeout=EXEC_TIMEOUT)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            raise FunctionError(f"!exec: the command ran longer than {EXEC_TIMEOUT:.0f} s; stopped") from None
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(MAX_OUTPUT + 1), err.read(64 * 1024)
    if code != 0:
        detail = stderr.decode("utf-8", "replace").strip().splitlines()
        raise FunctionError(f"!exec: the command exited with {code}" + (f": {detail[-1][:200]}" if detail else ""))
    if len(stdout) > MAX_OUTPUT:
        raise FunctionError(f"!exec: the command wrote more than {MAX_OUTPUT // 2**20} MiB")
    result = stdout.decode("utf-8", "replace").rstrip("\n")
    try:
        return json.loads(result)
    except ValueError:
        return result


def _include(text: str, context: Context, *, raw: bool = False) -> Any:
    import io
    import shlex

    stream = io.StringIO(text)
    lexer = shlex.shlex(stream, posix=True)
    lexer.whitespace_split = True
    try:
        name = lexer.get_token()
    except ValueError as exc:
        raise FunctionError(f"!include: {exc}") from None
    if not name:
        raise FunctionError("!include needs a file")
    query = stream.read().strip()  # the rest of the line, as written: a yq expression
    if "://" in name or "::" in name:
        raise FunctionError(f"!include {name}: remote files are not fetched by this tool")
    from atmos_auth.config.observe import is_file, read
    from atmos_auth.config.yaml_source import MAX_BYTES

    path = Path(name).expanduser()
    candidates = [path] if path.is_absolute() else [context.include_dir / path, context.cwd / path]
    try:
        found = next((p for p in candidates if is_file(p)), None)
        if found is None:
            raise FunctionError(f"!include: no file {name} (looked in {context.include_dir})")
        data = read(found, MAX_BYTES)
        if len(data) > MAX_BYTES:
            raise FunctionError(f"!include {name}: larger than {MAX_BYTES // 2**20} MiB")
        content = data.decode("utf-8", errors="replace")
    except OSError as exc:
        raise FunctionError(f"!include {name[:100]}: {exc.strerror}") from None
    value: Any = content
    if not raw and found.suffix in (".yaml", ".yml", ".json"):
        import yaml

        try:
            value = yaml.load(content, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506
        except yaml.YAMLError as exc:
            raise FunctionError(f"!include {name}: not valid {found.suffix[1:].upper()}: "
                                f"{getattr(exc, 'problem', None) or exc}") from None
    return _query(value, unquoted(query)) if query else value


_STEP = re.compile(r'\.([\w-]+)|\.?\["([^"]*)"\]|\.?\[(\d+)\]')


def _query(value: Any, query: str) -> Any:
    """The part of yq that picks a value (`.a.b`, `.a[0]`, `.["a b"]`); other expressions are refused."""
    if query.strip() == ".":
        return value
    position = 0
    for step in _STEP.finditer(query):
        if step.start() != position:
            break
        position = step.end()
        key, quoted, index = step.groups()
        if index is not None:
            value = value[int(index)] if isinstance(value, list) and int(index) < len(value) else None
        else:
            value = value.get(key if key is not None else quoted) if isinstance(value, dict) else None
    if position != len(query):
        raise FunctionError(f"!include: the yq expression {query!r} is not evaluated here "
                            "(paths such as .a.b[0] are)")
    return value


def _git_root(text: str, context: Context) -> Any:
    from atmos_auth.config.discover import git_root

    root = git_root(context.cwd)
    if root is None:
        if text:
            return text
        raise FunctionError("not in a git repository (give a default: !repo-root /path)")
    return str(root)


def _git(command: list[str]) -> Callable[[str, Context], Any]:
    def run(text: str, context: Context) -> Any:
        try:
            done = subprocess.run(["git", *command], cwd=context.cwd, capture_output=True, timeout=10, check=False,
                                  stdin=subprocess.DEVNULL)
            out = done.stdout.decode().strip() if done.returncode == 0 else ""
        except (OSError, subprocess.TimeoutExpired):
            out = ""
        if out:
            return out
        if text:
            return text
        raise FunctionError(f"cannot read `git {' '.join(command)}` here (give a default after the tag)")
    return run


def _remote(part: str) -> Callable[[str, Context], Any]:
    def run(text: str, context: Context) -> Any:
        try:
            url = _git(["remote", "get-url", "origin"])("", context)
        except FunctionError:
            url = ""
        host, _, path = url.removeprefix("git@").partition(":") if url.startswith("git@") else \
            url.split("://", 1)[-1].partition("/")
        path = path.removesuffix(".git").strip("/")
        owner, _, name = path.rpartition("/")
        value = {"url": url, "host": host.rsplit("@", 1)[-1], "owner": owner, "name": name,
                 "repository": path}[part]
        if not value and not text:
            raise FunctionError(f"cannot tell the repository's {part} from its origin remote")
        return value or text
    return run


def _cwd(text: str, context: Context) -> Any:
    return str(context.cwd / text) if text else str(context.cwd)


def _random(text: str, context: Context) -> Any:
    import secrets

    words = [unquoted(w) for w in text.split()]
    if len(words) > 2:
        raise FunctionError("!random takes 0, 1 or 2 numbers")
    try:
        low, high = (0, 65535) if not words else (0, int(words[0])) if len(words) == 1 else map(int, words)
    except ValueError:
        raise FunctionError(f"!random: must be integers, got {text!r}") from None
    if low >= high:
        raise FunctionError(f"!random: min value ({low}) must be less than max value ({high})")
    return low + secrets.randbelow(high - low + 1)


_HANDLERS: dict[str, Callable[[str, Context], Any]] = {
    "!env": _env, "!exec": _exec, "!include": _include,
    "!include.raw": lambda text, context: _include(text, context, raw=True),
    "!repo-root": _git_root, "!git.root": _git_root, "!git.sha": _git(["rev-parse", "HEAD"]),
    "!git.ref": _git(["rev-parse", "HEAD"]), "!git.branch": _git(["rev-parse", "--abbrev-ref", "HEAD"]),
    "!git.url": _remote("url"), "!git.host": _remote("host"), "!git.owner": _remote("owner"),
    "!git.name": _remote("name"), "!git.repository": _remote("repository"),
    "!cwd": _cwd, "!random": _random,
}
#: Functions whose result follows from what observe records (files, folders, variables, the folder we
#: are in): a configuration using only these may be kept as a snapshot.
_STEADY = {"!env", "!include", "!include.raw", "!repo-root", "!git.root", "!cwd"}

__all__ = ["CONFIG_TAGS", "STACK_TAGS", "Context", "FunctionError", "evaluate", "unquoted"]
