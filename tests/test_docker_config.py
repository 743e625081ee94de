"""The Docker config writer: lossless merges, helpers, modes, atomicity, bad input left untouched."""

from __future__ import annotations

import json
import os
import stat
import threading
from pathlib import Path

import pytest

from atmos_auth.docker_config import DockerConfig, DockerLogin, Stored, fingerprint
from atmos_auth.errors import DockerConfigError
from atmos_auth.stores.docker_state import WrittenLogin

HOST = "123456789012.dkr.ecr.us-east-2.amazonaws.com"
RICH = {
    "auths": {"ghcr.io": {"auth": "dXNlcjpwYXNz", "email": "me@example.com"},
              "registry.example.com": {"identitytoken": "refresh-token-value"},
              HOST: {"email": "kept@example.com"}},
    "credHelpers": {"gcr.io": "gcloud", HOST: ""},
    "credsStore": "desktop",
    "proxies": {"default": {"httpProxy": "http://proxy:3128", "noProxy": "localhost"}},
    "currentContext": "desktop-linux",
    "plugins": {"buildx": {"hooks": "build"}},
    "aliases": {"builder": "buildx"},
    "HttpHeaders": {"X-Meta": "kept"},
    "psFormat": "table {{.ID}}",
    "x-unknown-key": {"nested": [1, 2, 3]},
}


def recorded(stored: Stored, username: str, password: str) -> WrittenLogin:
    """What login remembers of a stored login (what logout later removes)."""
    return WrittenLogin(config="", host=stored.host, store=stored.store, fingerprint=fingerprint(username, password),
                        identity=None, integration=None, expires_at=None, pinned=stored.pinned)


def test_merge_keeps_every_other_key_and_field(tmp_path: Path) -> None:
    config = DockerConfig(tmp_path / "d")
    config.folder.mkdir()
    config.path.write_text(json.dumps(RICH))
    stored = config.store([DockerLogin(HOST, "AWS", "secret-password")])
    assert stored[0].store == "config.json"  # credHelpers[HOST] == "" routes it to the file even with credsStore
    after = json.loads(config.path.read_text())
    expected = json.loads(json.dumps(RICH))
    expected["auths"][HOST]["auth"] = "QVdTOnNlY3JldC1wYXNzd29yZA=="
    assert after == expected


def test_new_folder_is_0700_and_file_0600(tmp_path: Path) -> None:
    config = DockerConfig(tmp_path / "new" / ".docker")
    config.store([DockerLogin(HOST, "AWS", "p")])
    assert stat.S_IMODE(config.folder.stat().st_mode) == 0o700
    assert stat.S_IMODE(config.path.stat().st_mode) == 0o600


def test_loose_mode_is_tightened_strict_mode_kept(tmp_path: Path) -> None:
    config = DockerConfig(tmp_path)
    config.path.write_text("{}")
    os.chmod(config.path, 0o644)
    config.store([DockerLogin(HOST, "AWS", "p")])
    assert stat.S_IMODE(config.path.stat().st_mode) == 0o600
    os.chmod(config.path, 0o400)
    config.store([DockerLogin(HOST, "AWS", "q")])
    assert stat.S_IMODE(config.path.stat().st_mode) == 0o400


def test_write_is_a_rename_not_a_rewrite(tmp_path: Path) -> None:
    config = DockerConfig(tmp_path / "d")
    config.folder.mkdir()
    config.path.write_text("{}")
    before = config.path.stat().st_ino
    config.store([DockerLogin(HOST, "AWS", "p")])
    assert config.path.stat().st_ino != before
    # No temp file left behind; the lock is config.json.lock beside it, the one Atmos takes too.
    assert sorted(p.name for p in config.folder.iterdir()) == ["config.json", "config.json.lock"]
    assert stat.S_IMODE((config.folder / "config.json.lock").stat().st_mode) == 0o600


@pytest.mark.parametrize("content", ["{not json", "[1, 2]", '{"auths": "nope"}'])
def test_invalid_config_is_never_overwritten(tmp_path: Path, content: str) -> None:
    config = DockerConfig(tmp_path)
    config.path.write_text(content)
    with pytest.raises(DockerConfigError) as caught:
        config.store([DockerLogin(HOST, "AWS", "p")])
    assert str(config.path) in caught.value.message
    assert config.path.read_text() == content


def test_https_duplicate_is_folded_into_the_bare_host(tmp_path: Path) -> None:
    config = DockerConfig(tmp_path)
    config.path.write_text(json.dumps({"auths": {f"https://{HOST}": {"auth": "b2xkOm9sZA==", "email": "e"}}}))
    config.store([DockerLogin(HOST, "AWS", "new")])
    auths = json.loads(config.path.read_text())["auths"]
    assert list(auths) == [HOST] and auths[HOST]["email"] == "e"
    assert config.inline_auth(HOST) == ("AWS", "new")


def test_symlinked_config_is_followed(tmp_path: Path) -> None:
    real = tmp_path / "dotfiles" / "docker.json"
    real.parent.mkdir()
    real.write_text(json.dumps({"currentContext": "x"}))
    folder = tmp_path / ".docker"
    folder.mkdir()
    (folder / "config.json").symlink_to(real)
    DockerConfig(folder).store([DockerLogin(HOST, "AWS", "p")])
    assert (folder / "config.json").is_symlink()
    assert json.loads(real.read_text())["currentContext"] == "x"


def test_parallel_writers_lose_nothing(tmp_path: Path) -> None:
    config = DockerConfig(tmp_path)
    hosts = [f"1234567890{i:02d}.dkr.ecr.us-east-1.amazonaws.com" for i in range(24)]
    threads = [threading.Thread(target=DockerConfig(tmp_path).store, args=([DockerLogin(h, "AWS", h)],))
               for h in hosts]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(json.loads(config.path.read_text())["auths"]) == sorted(hosts)


def write_helper(bin_dir: Path, name: str = "testfile") -> Path:
    """A real credential helper (protocol: store/get/erase/list) that keeps secrets in a JSON file."""
    bin_dir.mkdir(parents=True, exist_ok=True)
    helper = bin_dir / f"docker-credential-{name}"
    store = bin_dir / f"{name}-store.json"
    helper.write_text(f"""#!/usr/bin/env python3
import json, sys
path = {str(store)!r}
try:
    data = json.load(open(path))
except Exception:
    data = {{}}
action = sys.argv[1]
raw = sys.stdin.read()
if action == "store":
    item = json.loads(raw)
    data[item["ServerURL"]] = {{"Username": item["Username"], "Secret": item["Secret"]}}
elif action == "get":
    host = raw.strip()
    if host not in data:
        print("credentials not found in native keychain"); sys.exit(1)
    print(json.dumps({{"ServerURL": host, **data[host]}}))
elif action == "erase":
    data.pop(raw.strip(), None)
elif action == "list":
    print(json.dumps({{k: v["Username"] for k, v in data.items()}}))
json.dump(data, open(path, "w"))
""")
    helper.chmod(0o755)
    return store


def test_creds_store_helper_receives_the_token(tmp_path: Path, monkeypatch) -> None:
    store = write_helper(tmp_path / "bin")
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}{os.pathsep}{os.environ['PATH']}")
    config = DockerConfig(tmp_path / "d")
    config.folder.mkdir()
    config.path.write_text(json.dumps({"credsStore": "testfile", "auths": {HOST: {"auth": "c3RhbGU6c3RhbGU="}}}))
    stored = config.store([DockerLogin(HOST, "AWS", "via-helper")])
    assert stored[0].store == "docker-credential-testfile"
    assert json.loads(store.read_text())[HOST] == {"Username": "AWS", "Secret": "via-helper"}
    data = json.loads(config.path.read_text())
    assert data["auths"][HOST] == {}  # placeholder, as docker login leaves it
    assert data["credHelpers"] == {HOST: "testfile"} and stored[0].pinned  # for skopeo/podman too
    assert config.remove([recorded(stored[0], "AWS", "via-helper")])[0]
    assert HOST not in json.loads(store.read_text())
    assert json.loads(config.path.read_text()) == {"credsStore": "testfile", "auths": {}, "credHelpers": {}}


def test_missing_helper_routes_the_host_to_the_file(tmp_path: Path) -> None:
    config = DockerConfig(tmp_path)
    config.path.write_text(json.dumps({"credsStore": "not-installed-helper"}))
    stored = config.store([DockerLogin(HOST, "AWS", "p")])
    data = json.loads(config.path.read_text())
    assert stored[0].store == "config.json" and "not installed" in (stored[0].note or "") and stored[0].pinned
    assert data["credHelpers"][HOST] == "" and data["credsStore"] == "not-installed-helper"
    assert config.inline_auth(HOST) == ("AWS", "p")
    assert config.remove([recorded(stored[0], "AWS", "p")])[0]
    assert json.loads(config.path.read_text()) == {"credsStore": "not-installed-helper", "auths": {},
                                                   "credHelpers": {}}


def test_no_empty_cred_helpers_key_is_added(tmp_path: Path) -> None:
    config = DockerConfig(tmp_path)
    config.store([DockerLogin(HOST, "AWS", "p")])
    assert "credHelpers" not in json.loads(config.path.read_text())
    config.path.write_text(json.dumps({"credHelpers": {}}))
    config.store([DockerLogin(HOST, "AWS", "p")])
    assert json.loads(config.path.read_text())["credHelpers"] == {}


@pytest.mark.parametrize("broken", [{"credHelpers": []}, {"auths": {HOST: "text"}}])
def test_malformed_sections_are_reported_not_overwritten(tmp_path: Path, broken) -> None:
    config = DockerConfig(tmp_path)
    config.path.write_text(json.dumps(broken))
    with pytest.raises(DockerConfigError, match="must be an object"):
        config.store([DockerLogin(HOST, "AWS", "p")])
    assert json.loads(config.path.read_text()) == broken


def test_a_host_in_docker_auth_config_is_pointed_out(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("DOCKER_AUTH_CONFIG", json.dumps({"auths": {f"https://{HOST}": {"auth": "eDp5"}}}))
    stored = DockerConfig(tmp_path).store([DockerLogin(HOST, "AWS", "p")])
    assert "DOCKER_AUTH_CONFIG also has" in (stored[0].note or "")
