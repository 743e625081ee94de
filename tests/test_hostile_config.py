"""Issue 8: names from atmos.yaml never become paths or INI sections, and no atmos.yaml ends in a
traceback: every hostile file is a located error with exit 1, in bounded time and memory."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.conftest import EXAMPLES, aws_dir, login_env, run_atmos, use_config

QUICK_START = (EXAMPLES / "quick-start.yaml").read_text()


def files_under(folder: Path) -> set[Path]:
    return {p for p in folder.rglob("*") if p.is_file()} if folder.exists() else set()


@pytest.mark.parametrize("provider", ["../../escape-rel", "{abs}/escape-abs", "..", "a/b", "back\\slash"])
def test_issue_8_a_provider_name_never_becomes_a_path(emu, isolated_home, tmp_path, provider) -> None:
    provider = provider.replace("{abs}", str(tmp_path))
    use_config(QUICK_START.replace("company-sso", f"'{provider}'"))
    before = files_under(tmp_path)
    result = run_atmos("auth", "login", "dev-admin", "--no-integrations", env=login_env())
    assert result.returncode == 0, result.stderr
    aws = aws_dir(isolated_home)
    written = files_under(tmp_path) - before
    assert written and all(aws in p.parents for p in written if p.name in ("credentials", "config")), written
    assert [p.name for p in aws.iterdir()] != [] and all(p.parent == aws for p in aws.iterdir())
    assert run_atmos("auth", "logout", "dev-admin").returncode == 0
    assert not any(p.name == "credentials" for p in files_under(tmp_path))


@pytest.mark.parametrize("name", ["evil]\naws_access_key_id = AKIAINJECTED\n[x", "a\nb", "[x]", " padded", "nul\x00"])
def test_issue_8_identity_names_that_cannot_be_profiles_are_located_errors(name) -> None:
    escaped = name.replace("\\", "\\\\").replace("\n", "\\n").replace("\x00", "\\0").replace('"', '\\"')
    use_config(QUICK_START.replace("dev-admin:", f'"{escaped}":').replace("identity: dev-admin",
                                                                         f'identity: "{escaped}"'))
    result = run_atmos("auth", "validate")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "atmos.yaml:10: auth.identities." in result.stderr and "cannot be an AWS profile name" in result.stderr


def test_identity_names_with_slashes_stay_valid_profiles(emu, isolated_home) -> None:
    use_config(QUICK_START.replace("dev-admin", "core/terraform"))
    assert run_atmos("auth", "login", "core/terraform", "--no-integrations", env=login_env()).returncode == 0
    credentials = aws_dir(isolated_home) / "company-sso" / "credentials"
    assert "[core/terraform]" in credentials.read_text()


def test_issue_8_empty_names_and_full_width_digits_are_refused() -> None:
    use_config(QUICK_START.replace("company-sso", '""').replace('"123456789012"', '"１２３４５６７８９０１２"'))
    result = run_atmos("auth", "validate")
    assert result.returncode == 1
    assert "auth.providers.: a provider name cannot be empty" in result.stderr
    assert "auth.integrations.dev/ecr.spec.registry.account_id: must be 12 digits" in result.stderr


HOSTILE = {
    "kind list": "auth: {identities: {x: {kind: []}}}",
    "identities int": "auth: {identities: 5}",
    "providers int": "auth: {providers: 5, integrations: 7}",
    "merge key int": "auth: {<<: 5}",
    "unknown tag": "auth: !foo bar",
    "bad timestamp": "auth: {realm: !!timestamp 2020-13-45}",
    "recursive alias": "auth: &a {providers: {p: *a}}",
    "recursive list": "auth: &a [*a]",
    "recursive merge": "a: &a {<<: *a}\nauth: {}",
    "deep lists": "auth:\n  realm: " + "[" * 5000 + "]" * 5000,
    "deep maps": "auth:\n  realm: " + "{a: " * 2000 + "1" + "}" * 2000,
    "huge int": "auth: {realm: 1" + "0" * 5000 + "}",
    "complex key": "auth: {? [a, b] : c}",
    "python object": "auth: {realm: !!python/object/apply:os.system [echo hi]}",
    "binary": "auth: {realm: !!binary aGVsbG8=}",
    "bom": "\ufeffauth: {identities: {}}",
    "tabs": "auth:\n\tidentities: {}",
    "two documents": "auth: {}\n---\nauth: {}",
    "scalar": "just text",
    "control chars": "auth: {realm: \"a\\x01b\"}",
    "alias bomb": "l0: &l0 [a,a,a,a,a,a,a,a,a,a]\n" + "".join(
        f"l{i}: &l{i} [" + ",".join([f"*l{i - 1}"] * 10) + "]\n" for i in range(1, 9)) + "auth:\n  providers: *l8\n",
}


def run_limited(path: Path, *args: str) -> tuple[subprocess.CompletedProcess[str], float]:
    def limit() -> None:  # 1 GiB of address space: an unbounded alias bomb would fail here, not pass
        resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))

    started = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "atmos_auth", "--config", str(path), "auth", *args],
                          capture_output=True, text=True, timeout=60, preexec_fn=limit)
    return done, time.monotonic() - started


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_issue_8_hostile_atmos_yaml_is_a_located_error(tmp_path, name) -> None:
    path = tmp_path / "atmos.yaml"
    path.write_text(HOSTILE[name])
    for command in (("validate",), ("list", "--format", "json"), ("env", "x")):
        done, took = run_limited(path, *command)
        assert "Traceback" not in done.stderr and "internal error" not in done.stderr, done.stderr
        assert done.returncode in (0, 1, 2), (command, done.returncode, done.stderr)
        assert took < 20
    validated = run_limited(path, "validate")[0]
    assert validated.returncode == 0 or "atmos.yaml" in validated.stderr  # an error names file (and line)


def test_issue_8_bytes_that_are_not_utf8_are_a_located_error(tmp_path) -> None:
    path = tmp_path / "atmos.yaml"
    path.write_bytes(b"auth:\n  realm: caf\xe9\n")
    done, _ = run_limited(path, "validate")
    assert done.returncode == 1 and "atmos.yaml:2: not valid UTF-8" in done.stderr


def test_issue_8_unknown_tags_outside_auth_do_not_break_commands(tmp_path) -> None:
    path = tmp_path / "atmos.yaml"
    path.write_text("components:\n  vpc: !terraform.output vpc id\nsettings: {x: !env NOT_SET_ANYWHERE}\n"
                    + QUICK_START)
    done, _ = run_limited(path, "validate")
    assert done.returncode == 0, done.stderr


# --- hypothesis: the loader never raises anything but a located ConfigError -------------------------

_SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=30))
_TAGS = ["", "!env X ", "!env MISSING_VAR default ", "!foo ", "!!binary ", "!!timestamp ", "!!int ", "!!float "]
_KEYS = st.sampled_from(["kind", "via", "provider", "identity", "principal", "name", "account", "region",
                         "start_url", "spec", "registry", "account_id", "auto_provision", "default", "<<",
                         "credentials", "session", "duration", "assume_role", "aws/ecr", "x"])
_KINDS = st.sampled_from(["aws/iam-identity-center", "aws/permission-set", "aws/assume-role", "aws/user",
                          "aws/ecr", "github/oidc", "nope"])


def _tree(depth: int) -> st.SearchStrategy:
    leaf = st.one_of(_SCALARS, _KINDS)
    if depth == 0:
        return leaf
    return st.one_of(leaf, st.lists(_tree(depth - 1), max_size=3),
                     st.dictionaries(st.one_of(_KEYS, st.text(max_size=8)), _tree(depth - 1), max_size=4))


def _render(value: object, tag: str) -> str:
    import yaml

    text = yaml.safe_dump({"auth": value}, default_flow_style=True, allow_unicode=True, width=10_000)
    return text.replace(": ", f": {tag}", 1) if tag else text


@settings(max_examples=int(150 * float(os.environ.get("RELIABILITY_SCALE", "1"))), deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(value=st.dictionaries(st.sampled_from(["providers", "identities", "integrations", "keyring", "logs",
                                               "realm", "x"]),
                             st.dictionaries(st.one_of(_KEYS, st.text(max_size=8)), _tree(2), max_size=3),
                             max_size=4),
       tag=st.sampled_from(_TAGS), cut=st.integers(min_value=0, max_value=400))
def test_issue_8_fuzzed_configs_load_or_fail_located(tmp_path_factory, value, tag, cut) -> None:
    from atmos_auth.config.load import validate_source
    from atmos_auth.config.yaml_source import read_yaml
    from atmos_auth.errors import ConfigError
    from atmos_auth.listing import describe

    text = _render(value, tag)
    for variant in (text, text[:cut]):
        path = tmp_path_factory.mktemp("fuzz") / "atmos.yaml"
        path.write_text(variant)
        try:
            config = validate_source(read_yaml(path))
        except ConfigError as error:
            assert "atmos.yaml" in error.message
            continue
        describe(config)  # what `auth list` prints must not fail either


# --- hypothesis (issue 9): random YAML with every tag, anchors and imports, through the whole loader ---

_FUNCTION_TAGS = ["!env", "!include", "!include.raw", "!repo-root", "!git.root", "!git.sha", "!cwd", "!random",
                  "!unset", "!append", "!terraform.state", "!store", "!template", "!literal", "!nope", "!!str",
                  "!!int", "!!map", "!!binary", "!"]
_WORDS = st.sampled_from(["kind", "via", "identities", "providers", "integrations", "auth", "import", "x",
                          "aws/permission-set", "aws/iam-identity-center", "other.yaml", "*.yaml", "..", "",
                          "9 1", "1 9", ".a.b[0]", "HOME", "UNSET_VAR 'dflt'"])


def _flow(depth: int) -> st.SearchStrategy[str]:
    scalar = st.one_of(_WORDS.map(json.dumps), st.text(max_size=20).map(json.dumps),
                       st.tuples(st.sampled_from(_FUNCTION_TAGS), _WORDS).map(lambda t: f"{t[0]} {json.dumps(t[1])}"),
                       st.sampled_from(["null", "true", "1e999", "0x1F", "&a 1", "*a", "~", "'q''q'"]))
    if depth == 0:
        return scalar
    inner = _flow(depth - 1)
    return st.one_of(
        scalar,
        st.lists(inner, max_size=4).map(lambda items: "[" + ", ".join(items) + "]"),
        st.lists(st.tuples(st.one_of(_WORDS.map(json.dumps), st.sampled_from(["<<", "? [a]", "&k key"])), inner),
                 max_size=4).map(lambda pairs: "{" + ", ".join(f"{k}: {v}" for k, v in pairs) + "}"),
        st.tuples(st.sampled_from(["!append", "!unset", "!nope", "&a", "!include"]), inner).map(" ".join),
    )


@settings(max_examples=int(120 * float(os.environ.get("RELIABILITY_SCALE", "1"))), deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(main=_flow(4), other=_flow(3), nest=st.integers(min_value=0, max_value=150),
       size=st.sampled_from([0, 10, 200_000]))
def test_issue_9_any_yaml_through_the_whole_loader_fails_located(tmp_path_factory, main, other, nest, size) -> None:
    """Any text, tags, anchors, imports and profiles: a configuration or a located error, in bounded time."""
    import time

    from atmos_auth.config.load import load_auth_config
    from atmos_auth.errors import AtmosAuthError
    from atmos_auth.listing import describe

    folder = tmp_path_factory.mktemp("fuzz9")
    deep = "[" * nest + "1" + "]" * nest
    (folder / "other.yaml").write_text(f"auth: {other}\nimport: [atmos.yaml, other.yaml]\nx: {'y' * size}\n")
    (folder / "profiles" / "p").mkdir(parents=True)
    (folder / "profiles" / "p" / "a.yaml").write_text(f"auth: {other}\n")
    (folder / "atmos.yaml").write_text(f"auth: {main}\nimport: [other.yaml, 'prof*/**/*.yaml', {main}]\n"
                                       f"deep: {deep}\nprofiles: {{default: p}}\n")
    started = time.monotonic()
    try:
        describe(load_auth_config(str(folder / "atmos.yaml"), {"HOME": str(folder)}))
    except AtmosAuthError as error:
        assert error.message and ".yaml" in error.message or "profile" in error.message, error.message
    assert time.monotonic() - started < 10
