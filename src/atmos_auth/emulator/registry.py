"""Real parts for end-to-end tests and the demo: Debian's docker-registry behind ECR hostnames, skopeo as the client.

ECR hostnames resolve to local addresses only inside `unshare -m` with a bind-mounted /etc/hosts, so
nothing outside this process tree is affected. Each registry accepts the emulator's ECR password of
one account (htpasswd, bcrypt), over TLS with a throwaway certificate.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import shutil
import socket
import subprocess
import tarfile
import time
from pathlib import Path

TOOLS = ("docker-registry", "skopeo", "htpasswd", "openssl", "unshare")


def missing_tools() -> list[str]:
    return [t for t in TOOLS if shutil.which(t) is None]


def can_run() -> str | None:
    """None when end-to-end tests can run here, else why not."""
    if os.geteuid() != 0:
        return "needs root (unshare -m, port 443)"
    if missing := missing_tools():
        return f"missing {', '.join(missing)} (run `make system-deps`)"
    return None


class LocalRegistries:
    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        workdir.mkdir(parents=True, exist_ok=True)
        self.hosts = workdir / "hosts"
        self.hosts.write_text(Path("/etc/hosts").read_text())
        self.cert, self.key = workdir / "cert.pem", workdir / "key.pem"
        self._procs: list[subprocess.Popen[bytes]] = []
        self._names: list[str] = []
        self._base = 10 + os.getpid() % 200

    def certificate(self, hostnames: list[str]) -> None:
        self._names = hostnames
        san = ",".join(f"DNS:{h}" for h in hostnames)
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-keyout",
                        str(self.key), "-out", str(self.cert), "-subj", "/CN=fake-ecr", "-addext",
                        f"subjectAltName={san}"], check=True, capture_output=True)

    def serve(self, password: str, hostnames: list[str]) -> str:
        """Start one registry for these hostnames (one account: one password); return its address."""
        index = len(self._procs)
        address = self._free_address()
        folder = self.workdir / f"registry-{index}"
        folder.mkdir()
        htpasswd = subprocess.run(["htpasswd", "-Bbn", "AWS", password], check=True, capture_output=True, text=True)
        (folder / "htpasswd").write_text(htpasswd.stdout)
        (folder / "config.yml").write_text(json.dumps({
            "version": 0.1, "log": {"level": "error"},
            "storage": {"filesystem": {"rootdirectory": str(folder / "data")}},
            "http": {"addr": f"{address}:443", "secret": "test-only",
                     "tls": {"certificate": str(self.cert), "key": str(self.key)}},
            "auth": {"htpasswd": {"realm": "fake-ecr", "path": str(folder / "htpasswd")}}}))
        proc = subprocess.Popen(["docker-registry", "serve", str(folder / "config.yml")],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self._procs.append(proc)
        with self.hosts.open("a") as handle:
            handle.writelines(f"{address} {host}\n" for host in hostnames)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with socket.socket() as probe:
                if probe.connect_ex((address, 443)) == 0:
                    return address
            time.sleep(0.05)
        raise RuntimeError(f"docker-registry did not start on {address}:443")

    def _free_address(self) -> str:
        """A loopback address whose port 443 nobody holds (another run may have a registry up)."""
        for third in range(self._base, self._base + 200):
            for fourth in range(1 + len(self._procs), 250):
                address = f"127.77.{third % 250}.{fourth}"
                with socket.socket() as probe:
                    probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                    try:
                        probe.bind((address, 443))
                    except OSError:
                        continue
                    return address
        raise RuntimeError("no free loopback address for a registry")

    def skopeo(self, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        """skopeo in a private mount namespace where the ECR hostnames point at our registries."""
        runtime = self.workdir / "runtime"
        runtime.mkdir(exist_ok=True)
        full = {**os.environ, **(env or {}), "SSL_CERT_FILE": str(self.cert), "XDG_RUNTIME_DIR": str(runtime)}
        full.pop("REGISTRY_AUTH_FILE", None)
        script = 'mount --bind "$0" /etc/hosts && exec skopeo --insecure-policy "$@"'
        return subprocess.run(["unshare", "-m", "sh", "-c", script, str(self.hosts), *args], env=full,
                              capture_output=True, text=True, timeout=60)

    def stop(self) -> None:
        for proc in self._procs:
            proc.terminate()
        for proc in self._procs:
            proc.wait(timeout=10)


def oci_image(folder: Path, tag: str = "latest") -> Path:
    """A one-layer OCI image layout, built without Docker."""
    blobs = folder / "blobs" / "sha256"
    blobs.mkdir(parents=True)

    def blob(data: bytes) -> str:
        digest = hashlib.sha256(data).hexdigest()
        (blobs / digest).write_bytes(data)
        return digest

    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w") as tar:
        body = b"hello from a fake ECR\n"
        info = tarfile.TarInfo("hello.txt")
        info.size, info.mtime = len(body), 0
        tar.addfile(info, io.BytesIO(body))
    diff_id = hashlib.sha256(raw.getvalue()).hexdigest()
    layer = gzip.compress(raw.getvalue(), mtime=0)
    config = json.dumps({"architecture": "amd64", "os": "linux", "config": {"Cmd": ["/hello"]},
                         "rootfs": {"type": "layers", "diff_ids": [f"sha256:{diff_id}"]}}).encode()
    manifest = json.dumps({
        "schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": f"sha256:{blob(config)}",
                   "size": len(config)},
        "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": f"sha256:{blob(layer)}",
                    "size": len(layer)}]}).encode()
    (folder / "index.json").write_text(json.dumps({"schemaVersion": 2, "manifests": [
        {"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": f"sha256:{blob(manifest)}",
         "size": len(manifest), "annotations": {"org.opencontainers.image.ref.name": tag}}]}))
    (folder / "oci-layout").write_text('{"imageLayoutVersion": "1.0.0"}')
    return folder
