"""Issue 8: the Docker config is never damaged (locks, foreign writers, lossless JSON, odd files,
helpers that fail) and never silently left half-cleaned (pins, dry runs)."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from tests.conftest import run_atmos
from tests.test_docker_config import recorded, write_helper

from atmos_auth.docker_config import CREDENTIALS, PIN, DockerConfig, DockerLogin
from atmos_auth.errors import DockerConfigError

HOST = "123456789012.dkr.ecr.us-east-2.amazonaws.com"
OTHER = "999999999999.dkr.ecr.us-east-1.amazonaws.com"


def strict_json(data: bytes) -> object:
    """Parse as Docker (Go) would: NaN/Infinity are not JSON."""
    def refuse(name: str) -> object:
        raise ValueError(f"{name} is not JSON")

    return json.loads(data, parse_constant=refuse)


# --- 1. the lock is keyed to the Docker config itself -------------------------------------------------

_WRITER = """
import sys
from atmos_auth.docker_config import CREDENTIALS, PIN, DockerConfig, DockerLogin
DockerConfig().store([DockerLogin(sys.argv[1], "AWS", "p-" + sys.argv[1])])
"""


def test_issue_8_writers_sharing_only_the_docker_config_lose_nothing(tmp_path: Path) -> None:
    folder = tmp_path / "shared-docker"
    hosts = [f"1000000000{i:02d}.dkr.ecr.us-east-1.amazonaws.com" for i in range(12)]
    procs = [subprocess.Popen([sys.executable, "-c", _WRITER, host],
                              env={**os.environ, "DOCKER_CONFIG": str(folder),
                                   "XDG_CACHE_HOME": str(tmp_path / f"cache-{i}")})  # a cache folder each
             for i, host in enumerate(hosts)]
    assert [p.wait(60) for p in procs] == [0] * len(hosts)
    auths = strict_json((folder / "config.json").read_bytes())["auths"]  # type: ignore[index]
    assert sorted(auths) == sorted(hosts)
    assert stat.S_IMODE((folder / "config.json.lock").stat().st_mode) == 0o600


# --- 2. a writer that takes no lock --------------------------------------------------------------------

def test_issue_8_a_change_made_under_us_is_merged_not_overwritten(tmp_path: Path, monkeypatch) -> None:
    config = DockerConfig(tmp_path)
    config.path.write_text(json.dumps({"auths": {"ghcr.io": {"auth": "Zm9vOmJhcg=="}}}))
    import atmos_auth.stores.shared_json as module

    real = module.pending_write
    raced = []

    def racing_pending_write(*args, **kwargs):  # `docker login` renames its file in right before our rename
        if not raced:
            raced.append(True)
            other = json.loads(config.path.read_text())
            other["auths"]["quay.io"] = {"auth": "cXVheTp4"}
            (tmp_path / "docker-tmp").write_text(json.dumps(other))
            os.replace(tmp_path / "docker-tmp", config.path)
        return real(*args, **kwargs)

    monkeypatch.setattr(module, "pending_write", racing_pending_write)
    config.store([DockerLogin(HOST, "AWS", "p")])
    assert sorted(json.loads(config.path.read_text())["auths"]) == sorted(["ghcr.io", "quay.io", HOST])


# --- 4. foreign content round-trips exactly ------------------------------------------------------------

FOREIGN = (b'{\n  "x-big": 1e400,\n  "numbers": [1E5, 1.10, -0, 0.1e1, 123456789012345678901234567890],\n'
           b'  "name": "prod-\xc3\xbc-\xe2\x98\x83",\n  "escaped": "\\u00fc\\/\\ud83d\\ude00",\n'
           b'  "latin1": "caf\xe9",\n  "auths": {"ghcr.io": {"auth": "dXNlcjpwYXNz", "x": 1.50}}\n}')


def test_issue_8_foreign_values_keep_their_exact_bytes(tmp_path: Path) -> None:
    config = DockerConfig(tmp_path)
    config.path.write_bytes(FOREIGN)
    config.store([DockerLogin(HOST, "AWS", "p")])
    after = config.path.read_bytes()
    for piece in (b'"x-big": 1e400', b"[1E5, 1.10, -0, 0.1e1, 123456789012345678901234567890]",
                  b'"prod-\xc3\xbc-\xe2\x98\x83"', b'"\\u00fc\\/\\ud83d\\ude00"', b'"caf\xe9"',
                  b'"ghcr.io": {"auth": "dXNlcjpwYXNz", "x": 1.50}'):
        assert piece in after
    assert b"Infinity" not in after and b"NaN" not in after
    strict_json(after.decode("utf-8", "replace").encode())  # still strict JSON (Go reads bad UTF-8 too)
    assert config.inline_auth(HOST) == ("AWS", "p")


def test_issue_8_an_untouched_file_is_not_rewritten(tmp_path: Path) -> None:
    config = DockerConfig(tmp_path)
    config.store([DockerLogin(HOST, "AWS", "p")])
    before = (config.path.read_bytes(), config.path.stat().st_ino)
    config.remove([])  # nothing to do: no write at all
    assert (config.path.read_bytes(), config.path.stat().st_ino) == before


@pytest.mark.parametrize("content", ['{"a": NaN}', '{"a": Infinity}', '{"a": 1,}', "\ufeff{}",
                                     '{"x": ' + "[" * 100_000 + "]" * 100_000 + "}"])
def test_issue_8_what_docker_cannot_read_is_refused_untouched(tmp_path: Path, content: str) -> None:
    config = DockerConfig(tmp_path)
    config.path.write_text(content)
    with pytest.raises(DockerConfigError, match="left untouched"):
        config.store([DockerLogin(HOST, "AWS", "p")])
    assert config.path.read_text() == content


def test_issue_8_auths_null_is_accepted_as_docker_does(tmp_path: Path) -> None:
    config = DockerConfig(tmp_path)
    config.path.write_text('{"auths": null, "credHelpers": null, "psFormat": "x"}')
    config.store([DockerLogin(HOST, "AWS", "p")])
    data = json.loads(config.path.read_text())
    assert data["psFormat"] == "x" and config.inline_auth(HOST) == ("AWS", "p")


# --- 5. only regular files -----------------------------------------------------------------------------

def test_issue_8_a_fifo_is_refused_at_once(tmp_path: Path) -> None:
    config = DockerConfig(tmp_path)
    os.mkfifo(config.path)
    started = time.monotonic()
    with pytest.raises(DockerConfigError, match="is a FIFO, not a regular file"):
        config.store([DockerLogin(HOST, "AWS", "p")])
    assert time.monotonic() - started < 5 and stat.S_ISFIFO(os.lstat(config.path).st_mode)


@pytest.mark.skipif(os.geteuid() != 0, reason="mknod needs root")
def test_issue_8_a_symlink_to_a_device_is_refused(tmp_path: Path) -> None:
    device = tmp_path / "null-device"
    os.mknod(device, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    folder = tmp_path / "d"
    folder.mkdir()
    (folder / "config.json").symlink_to(device)
    with pytest.raises(DockerConfigError, match="is a character device"):
        DockerConfig(folder).store([DockerLogin(HOST, "AWS", "p")])
    assert stat.S_ISCHR(os.stat(device).st_mode)


def test_issue_8_folders_and_symlink_loops_are_clear_errors(tmp_path: Path) -> None:
    loop = tmp_path / "loop"
    loop.mkdir()
    (loop / "config.json").symlink_to("config.json")
    with pytest.raises(DockerConfigError, match="symlink loop"):
        DockerConfig(loop).store([DockerLogin(HOST, "AWS", "p")])
    folder = tmp_path / "dir"
    (folder / "config.json").mkdir(parents=True)
    with pytest.raises(DockerConfigError, match="is a folder"):
        DockerConfig(folder).store([DockerLogin(HOST, "AWS", "p")])


# --- 6. one helper that fails costs only its own hosts -------------------------------------------------

def write_failing_helper(bin_dir: Path, name: str = "failstore") -> None:
    bin_dir.mkdir(parents=True, exist_ok=True)
    helper = bin_dir / f"docker-credential-{name}"
    helper.write_text("#!/bin/sh\ncat >/dev/null\necho 'store is broken here'\nexit 1\n")
    helper.chmod(0o755)


def test_issue_8_each_host_succeeds_or_fails_on_its_own(tmp_path: Path, monkeypatch) -> None:
    store = write_helper(tmp_path / "bin", "dockfile")
    write_failing_helper(tmp_path / "bin")
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}{os.pathsep}{os.environ['PATH']}")
    config = DockerConfig(tmp_path / "d")
    config.folder.mkdir()
    third = "333333333333.dkr.ecr.us-west-2.amazonaws.com"
    config.path.write_text(json.dumps({"credHelpers": {HOST: "dockfile", OTHER: "failstore",
                                                       third: "ecr-login"}}))
    results = {s.host: s for s in config.store([DockerLogin(h, "AWS", f"p-{h}") for h in (HOST, OTHER, third)])}
    assert results[HOST].error is None and json.loads(store.read_text())[HOST]["Secret"] == f"p-{HOST}"
    assert "docker-credential-failstore store failed: store is broken here" in (results[OTHER].error or "")
    assert "fetches its own tokens" in (results[third].error or "") and "atmos auth env" in (results[third].error or "")


def test_issue_8_a_failing_helper_does_not_stop_the_file_hosts(tmp_path: Path, monkeypatch) -> None:
    write_failing_helper(tmp_path / "bin")
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}{os.pathsep}{os.environ['PATH']}")
    config = DockerConfig(tmp_path)
    config.path.write_text(json.dumps({"credHelpers": {OTHER: "failstore"}}))
    results = {s.host: s for s in config.store([DockerLogin(HOST, "AWS", "p"), DockerLogin(OTHER, "AWS", "q")])}
    assert results[HOST].error is None and config.inline_auth(HOST) == ("AWS", "p")
    assert results[OTHER].error and config.inline_auth(OTHER) is None


# --- 9. pins and dry runs ------------------------------------------------------------------------------

def helper_config(tmp_path: Path, monkeypatch, content: str) -> tuple[DockerConfig, Path]:
    """A Docker config with `content`, and the `dockfile` credential helper on PATH (and its store)."""
    store = write_helper(tmp_path / "bin", "dockfile")
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}{os.pathsep}{os.environ['PATH']}")
    config = DockerConfig(tmp_path / "d")
    config.folder.mkdir()
    config.path.write_text(content)
    return config, store


def test_issue_8_a_pin_goes_when_docker_logout_already_took_the_secret(tmp_path: Path, monkeypatch) -> None:
    config, store = helper_config(tmp_path, monkeypatch, json.dumps({"credsStore": "dockfile"}))
    stored = config.store([DockerLogin(HOST, "AWS", "p")])
    assert stored[0].pinned
    store.write_text("{}")  # `docker logout HOST`: the helper forgets the secret, the pin stays
    entry = recorded(stored[0], "AWS", "p")
    assert config.remove([entry], dry_run=True) == ([(entry, PIN)], []) == config.remove([entry])  # said, then done
    assert json.loads(config.path.read_text()).get("credHelpers") == {}  # our pin is gone all the same


def test_issue_8_dry_run_promises_exactly_what_logout_does(tmp_path: Path) -> None:
    config = DockerConfig(tmp_path)
    stored = config.store([DockerLogin(HOST, "AWS", "p"), DockerLogin(OTHER, "AWS", "q")])
    data = json.loads(config.path.read_text())
    data["auths"][OTHER]["auth"] = "bWluZTptaW5l"  # replaced by the user's own `docker login`
    config.path.write_text(json.dumps(data))
    entries = [recorded(stored[0], "AWS", "p"), recorded(stored[1], "AWS", "q")]
    before = config.path.read_bytes()
    promised = config.remove(entries, dry_run=True)
    assert config.path.read_bytes() == before
    assert promised == config.remove(entries) == ([(entries[0], CREDENTIALS)], [])
    assert config.inline_auth(OTHER) == ("mine", "mine")


# --- 15. failures are messages, and the file is intact -------------------------------------------------

@pytest.mark.skipif(os.geteuid() != 0 or not Path("/usr/bin/setpriv").exists(), reason="needs root and setpriv")
def test_issue_8_a_read_only_folder_is_a_message(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    (folder / "config.json").write_text('{"auths": {}}')
    os.chown(folder / "config.json", 65534, 65534)
    os.chmod(tmp_path, 0o755)
    folder.chmod(0o555)
    home = tmp_path / "nobody-home"
    home.mkdir()
    os.chown(home, 65534, 65534)
    code = ("from atmos_auth.docker_config import CREDENTIALS, PIN, DockerConfig, DockerLogin\n"
            "from atmos_auth.errors import AtmosAuthError\n"
            f"try: print(DockerConfig().store([DockerLogin({HOST!r}, 'AWS', 'p')])[0].error)\n"
            "except AtmosAuthError as e: print(e.message)")
    done = subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", sys.executable, "-c", code],
                          env={**os.environ, "DOCKER_CONFIG": str(folder), "HOME": str(home),
                               "XDG_CACHE_HOME": str(home / ".cache")}, capture_output=True, text=True, timeout=60)
    assert "Traceback" not in done.stderr
    assert "cannot" in done.stdout + done.stderr and "Permission denied" in done.stdout + done.stderr
    assert (folder / "config.json").read_text() == '{"auths": {}}' and sorted(os.listdir(folder)) == ["config.json"]


@pytest.mark.skipif(os.geteuid() != 0, reason="mounting a tmpfs needs root")
def test_issue_8_a_full_disk_is_a_message_and_leaves_no_litter(tmp_path: Path) -> None:
    folder = tmp_path / "full"
    folder.mkdir()
    script = f"""
mount -t tmpfs -o size=64k tmpfs {folder}
printf '{{"auths": {{}}}}' > {folder}/config.json
dd if=/dev/zero of={folder}/fill bs=4k 2>/dev/null
{sys.executable} -c "from atmos_auth.docker_config import CREDENTIALS, PIN, DockerConfig, DockerLogin
print(DockerConfig().store([DockerLogin('{HOST}', 'AWS', 'p')])[0].error)"
cat {folder}/config.json; echo; ls -A {folder}
"""
    done = subprocess.run(["unshare", "-m", "sh", "-c", script], env={**os.environ, "DOCKER_CONFIG": str(folder)},
                          capture_output=True, text=True, timeout=60)
    if "mount:" in done.stderr:
        pytest.skip(f"cannot mount here: {done.stderr.strip()}")
    assert "Traceback" not in done.stderr, done.stderr
    assert "No space left on device" in done.stdout
    assert '{"auths": {}}' in done.stdout and ".tmp" not in done.stdout


# --- CLI: a login keeps going past a Docker config problem of one host ---------------------------------

def test_issue_8_cli_reports_per_host_and_logout_removes_what_was_stored(emu, tmp_path: Path) -> None:
    from tests.conftest import login_env, use_config

    store = write_helper(tmp_path / "bin", "dockfile")
    write_failing_helper(tmp_path / "bin")
    env = {"PATH": f"{tmp_path / 'bin'}{os.pathsep}{os.environ['PATH']}"}
    use_config("cross-account")
    docker = Path(os.environ["DOCKER_CONFIG"])
    docker.mkdir(parents=True)
    (docker / "config.json").write_text(json.dumps({"credHelpers": {"111111111111.dkr.ecr.us-east-2.amazonaws.com":
                                                                    "dockfile", OTHER: "failstore"}}))
    result = run_atmos("auth", "login", "dev-admin", env={**login_env(), **env})
    assert result.returncode == 3
    assert "✓ ECR login: 111111111111.dkr.ecr.us-east-2.amazonaws.com" in result.stderr
    assert f"✗ ECR login: {OTHER}: docker-credential-failstore store failed" in result.stderr
    assert "111111111111.dkr.ecr.us-east-2.amazonaws.com" in json.loads(store.read_text())
    out = run_atmos("auth", "logout", "dev-admin", env=env)
    assert out.returncode == 0 and json.loads(store.read_text()) == {}



def test_issue_8_a_config_larger_than_any_docker_config_is_refused(tmp_path: Path, monkeypatch) -> None:
    import atmos_auth.stores.shared_json as module

    monkeypatch.setattr(module, "MAX_BYTES", 1000)
    config = DockerConfig(tmp_path)
    big = json.dumps({"auths": {f"h{i}.example.com": {"auth": "eDp5"} for i in range(100)}})
    config.path.write_text(big)
    with pytest.raises(DockerConfigError, match="more than the Docker config should ever hold"):
        config.store([DockerLogin(HOST, "AWS", "p")])
    assert config.path.read_text() == big


def test_issue_8_an_in_place_rewriter_is_never_taken_for_an_empty_file(tmp_path: Path) -> None:
    """A tool that rewrites config.json in place (truncate, then write: `jq … > t; cat t > config.json`)
    leaves it empty for a moment; read then, it must not be taken for an empty config."""
    import threading

    config = DockerConfig(tmp_path)
    config.path.write_text(json.dumps({"auths": {"ghcr.io": {"auth": "eDp5"}}, "currentContext": "mine"}))
    stop = threading.Event()

    def rewrite_in_place() -> None:
        while not stop.is_set():
            data = json.loads(config.path.read_text() or "{}")
            data["counter"] = data.get("counter", 0) + 1
            with open(config.path, "w") as handle:  # truncates first, writes a moment later
                time.sleep(0.02)
                handle.write(json.dumps(data))
            time.sleep(0.01)

    writer = threading.Thread(target=rewrite_in_place)
    writer.start()
    try:
        for i in range(10):
            stored = config.store([DockerLogin(f"1000000000{i:02d}.dkr.ecr.us-east-1.amazonaws.com", "AWS", "p")])
            assert stored[0].error is None
    finally:
        stop.set()
        writer.join()
    data = json.loads(config.path.read_text())
    assert data["currentContext"] == "mine" and "ghcr.io" in data["auths"]


# --- found by the adversarial review of this work ---------------------------------------------------

@pytest.mark.parametrize("spelling", ["relative", "dotdot", "symlinked-folder"])
def test_issue_8_any_spelling_of_the_folder_takes_one_lock(tmp_path: Path, monkeypatch, spelling) -> None:
    real = tmp_path / "docker"
    real.mkdir()
    (tmp_path / "other").mkdir()
    monkeypatch.chdir(tmp_path)
    folder = {"relative": Path("docker"), "dotdot": tmp_path / "other" / ".." / "docker",
              "symlinked-folder": tmp_path / "link"}[spelling]
    if spelling == "symlinked-folder":
        folder.symlink_to(real)
    started = time.monotonic()
    assert DockerConfig(folder).store([DockerLogin(HOST, "AWS", "p")])[0].error is None
    assert time.monotonic() - started < 5  # no wait on a lock this very process holds
    assert DockerConfig(real).inline_auth(HOST) == ("AWS", "p")


def test_issue_8_no_lock_file_is_made_beside_a_refused_target(tmp_path: Path) -> None:
    target = tmp_path / "elsewhere" / "fifo"
    target.parent.mkdir()
    os.mkfifo(target)
    folder = tmp_path / "d"
    folder.mkdir()
    (folder / "config.json").symlink_to(target)
    with pytest.raises(DockerConfigError, match="is a FIFO"):
        DockerConfig(folder).store([DockerLogin(HOST, "AWS", "p")])
    assert sorted(os.listdir(target.parent)) == ["fifo"]


def test_issue_8_a_folded_duplicate_keeps_the_text_of_its_values(tmp_path: Path) -> None:
    config = DockerConfig(tmp_path)
    config.path.write_bytes(b'{"auths": {"https://' + HOST.encode() + b'": {"auth": "b2xkOm9sZA==", "x": 1.10, '
                            b'"n": 1e400, "o": {"k": [1E5]}, "b": "caf\xe9"}, "' + HOST.encode() + b'": {"email": "a"}}}')
    config.store([DockerLogin(HOST, "AWS", "p")])
    after = config.path.read_bytes()
    for piece in (b'"x": 1.10', b'"n": 1e400', b'"o": {"k": [1E5]}', b'"b": "caf\xe9"', b'"email": "a"'):
        assert piece in after
    assert b"https://" not in after and config.inline_auth(HOST) == ("AWS", "p")


def test_issue_8_docker_reads_field_names_in_any_case_and_so_do_we(tmp_path: Path, monkeypatch) -> None:
    config, store = helper_config(tmp_path, monkeypatch, json.dumps({"CredsStore": "dockfile", "Auths": {"ghcr.io": {"Auth": "eDp5"}}}))
    stored = config.store([DockerLogin(HOST, "AWS", "p")])
    assert stored[0].store == "docker-credential-dockfile" and HOST in json.loads(store.read_text())
    data = json.loads(config.path.read_text())
    assert "auths" not in data and HOST in data["Auths"] and data["Auths"]["ghcr.io"] == {"Auth": "eDp5"}
    config.path.write_text(json.dumps({"credsStore": 5}))
    with pytest.raises(DockerConfigError, match='"credsStore" must be text'):
        config.store([DockerLogin(HOST, "AWS", "p")])


def test_issue_8_deep_values_inside_our_entry_are_fine(tmp_path: Path) -> None:
    config = DockerConfig(tmp_path)
    deep = "[" * 2000 + "]" * 2000
    config.path.write_text('{"auths": {"' + HOST + '": {"x": ' + deep + "}}}")
    config.store([DockerLogin(HOST, "AWS", "p")])
    assert deep in config.path.read_text() and config.inline_auth(HOST) == ("AWS", "p")
    config.path.write_text('{"x": ' + "[" * 9999 + "]" * 9999 + "}")  # 10 000 levels with the top: Go's limit
    config.store([DockerLogin(HOST, "AWS", "p")])
    config.path.write_text('{"x": ' + "[" * 10000 + "]" * 10000 + "}")
    with pytest.raises(DockerConfigError, match="nested more than 10000 levels"):
        config.store([DockerLogin(HOST, "AWS", "p")])


def test_issue_8_helpers_that_misbehave_cost_only_their_host(tmp_path: Path, monkeypatch) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for name, body in (("garbage", "cat >/dev/null\nprintf '\\377\\376 broken\\n'\nexit 1"),
                       ("lingering", "cat >/dev/null\nsleep 60 &\nexit 0")):  # a child keeps stdout open
        (bin_dir / f"docker-credential-{name}").write_text(f"#!/bin/sh\n{body}\n")
        (bin_dir / f"docker-credential-{name}").chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    config = DockerConfig(tmp_path / "d")
    config.folder.mkdir()
    config.path.write_text(json.dumps({"credHelpers": {HOST: "garbage", OTHER: "lingering"}}))
    started = time.monotonic()
    results = {s.host: s for s in config.store([DockerLogin(HOST, "AWS", "p"), DockerLogin(OTHER, "AWS", "q")])}
    assert time.monotonic() - started < 10
    assert "docker-credential-garbage store failed" in (results[HOST].error or "")
    assert results[OTHER].error is None


def test_issue_8_a_helper_that_cannot_answer_keeps_our_record(tmp_path: Path, monkeypatch) -> None:
    """Only the protocol's "credentials not found" means nothing is held; a locked keychain does not."""
    config, store = helper_config(tmp_path, monkeypatch, json.dumps({"credsStore": "dockfile"}))
    stored = config.store([DockerLogin(HOST, "AWS", "p")])
    entry = recorded(stored[0], "AWS", "p")
    helper = tmp_path / "bin" / "docker-credential-dockfile"
    working = helper.read_text()
    helper.write_text("#!/bin/sh\necho 'Cannot autolaunch D-Bus without X11 $DISPLAY'\nexit 1\n")
    before = config.path.read_bytes()
    removed, failed = config.remove([entry])
    assert removed == [] and failed and "D-Bus" in failed[0][1]
    assert config.path.read_bytes() == before and HOST in json.loads(store.read_text())  # pin and secret kept
    helper.write_text(working)
    assert config.remove([entry]) == ([(entry, CREDENTIALS)], []) and json.loads(store.read_text()) == {}


def test_issue_8_a_fresh_docker_login_during_logout_is_not_taken(tmp_path: Path, monkeypatch) -> None:
    config = DockerConfig(tmp_path)
    stored = config.store([DockerLogin(HOST, "AWS", "p")])
    import atmos_auth.stores.shared_json as module

    real_sleep = module.time.sleep

    def docker_login_meanwhile(seconds: float) -> None:  # between our write and our check of it
        data = json.loads(config.path.read_text())
        data["auths"][HOST] = {"auth": "bWluZTptaW5l"}  # the user's own `docker login HOST`
        (tmp_path / "t").write_text(json.dumps(data))
        os.replace(tmp_path / "t", config.path)
        real_sleep(seconds)

    monkeypatch.setattr(module.time, "sleep", docker_login_meanwhile)
    monkeypatch.setattr(module, "RECENT_SECONDS", 60)  # a writer was active: our removal is checked again
    config.remove([recorded(stored[0], "AWS", "p")])
    monkeypatch.setattr(module.time, "sleep", real_sleep)
    assert config.inline_auth(HOST) == ("mine", "mine")


def test_issue_8_a_hanging_helper_is_asked_once_and_its_processes_go(tmp_path: Path, monkeypatch) -> None:
    import atmos_auth.docker_helpers as helpers_module

    (tmp_path / "bin").mkdir()
    marker = tmp_path / "started"
    hang = tmp_path / "bin" / "docker-credential-hang"
    hang.write_text(f"#!/bin/sh\necho x >> {marker}\nsleep 60 &\nsleep 60\n")
    hang.chmod(0o755)
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setattr(helpers_module, "HELPER_TIMEOUT_SECONDS", 1)
    monkeypatch.setattr(helpers_module, "_UNRESPONSIVE", set())
    config = DockerConfig(tmp_path / "d")
    config.folder.mkdir()
    config.path.write_text(json.dumps({"credsStore": "hang"}))
    started = time.monotonic()
    results = config.store([DockerLogin(HOST, "AWS", "p"), DockerLogin(OTHER, "AWS", "q")])
    assert time.monotonic() - started < 5 and marker.read_text().count("x") == 1
    assert "gave no answer" in (results[0].error or "") and "not asked again" in (results[1].error or "")
    assert subprocess.run(["pgrep", "-f", str(hang)], capture_output=True).stdout == b""


def test_issue_8_later_keys_win_as_in_go(tmp_path: Path, monkeypatch) -> None:
    config, store = helper_config(tmp_path, monkeypatch, '{"credsStore": "", "CredsStore": "dockfile"}')
    assert config.store([DockerLogin(HOST, "AWS", "p")])[0].store == "docker-credential-dockfile"
    assert HOST in json.loads(store.read_text())


def test_issue_8_a_null_entry_gives_way_to_its_https_twin_whole(tmp_path: Path) -> None:
    config = DockerConfig(tmp_path)
    config.path.write_text('{"auths": {"https://' + HOST + '": {"auth": "b2xkOm9sZA==", "identitytoken": '
                           '"keep-me", "x": 1.10}, "' + HOST + '": null}}')
    config.store([DockerLogin(HOST, "AWS", "p")])
    text = config.path.read_text()
    assert '"identitytoken": "keep-me"' in text and '"x": 1.10' in text and config.inline_auth(HOST) == ("AWS", "p")


def test_issue_8_an_auths_value_docker_cannot_read_is_refused(tmp_path: Path) -> None:
    config = DockerConfig(tmp_path)
    config.path.write_text('{"auths": {"other.example.com": "str"}}')
    with pytest.raises(DockerConfigError, match='auths\\["other.example.com"\\] must be an object'):
        config.store([DockerLogin(HOST, "AWS", "p")])


def test_issue_8_a_small_stack_refuses_deep_files_instead_of_crashing(tmp_path: Path) -> None:
    import resource

    (tmp_path / "config.json").write_text('{"x": ' + "[" * 9999 + "]" * 9999 + "}")
    code = ("from atmos_auth.docker_config import DockerConfig, DockerLogin\n"
            "from atmos_auth.errors import AtmosAuthError\n"
            f"try: DockerConfig().store([DockerLogin({HOST!r}, 'AWS', 'p')])\n"
            "except AtmosAuthError as e: print(e.message)")
    done = subprocess.run([sys.executable, "-c", code], env={**os.environ, "DOCKER_CONFIG": str(tmp_path)},
                          capture_output=True, text=True, timeout=60,
                          preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_STACK, (1 << 20, 1 << 20)))
    assert done.returncode == 0 and "raise `ulimit -s`" in done.stdout
