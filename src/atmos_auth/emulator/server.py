"""Run the emulator on a real socket, in a thread (`with Emulator() as url:`) or as a process."""

from __future__ import annotations

import ipaddress
import threading
from pathlib import Path
from typing import Any

from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from atmos_auth.emulator.app import EmulatorApp
from atmos_auth.emulator.fixture import load_fixture
from atmos_auth.emulator.state import Fault, World


class _QuietHandler(WSGIRequestHandler):
    def log(self, *args: Any, **kwargs: Any) -> None:  # the request log lives in World.log
        pass

    def date_time_string(self, timestamp: float | None = None) -> str:
        """The Date header carries the emulated AWS clock (a clock-skew test moves it)."""
        world = getattr(self.server.app, "world", None)
        return super().date_time_string(world.now() if world is not None and timestamp is None else timestamp)

    def make_environ(self) -> dict[str, Any]:
        """Keep headers with underscores: the SSO portal's bearer is `x-amz-sso_bearer_token`."""
        environ = super().make_environ()
        for key, value in self.headers.items():
            if "_" in key:
                environ["HTTP_" + key.upper().replace("-", "_")] = value
        return environ


class Emulator:
    """A started emulator: `url`, `world` (state, faults, log) and `stop()`."""

    def __init__(self, *, host: str = "127.0.0.1", port: int = 0, fixture: str | Path | None = None,
                 auto_approve: bool = False, latency_ms: int = 0, faults: list[Fault] | None = None,
                 seed: bytes | None = None) -> None:
        self.world = World(fixture=load_fixture(fixture), auto_approve=auto_approve, latency_ms=latency_ms)
        if seed is not None:
            self.world.seed = seed
        self.world.faults.extend(faults or [])
        self.app = EmulatorApp(self.world)
        self._server: BaseWSGIServer = make_server(host, port, self.app, threaded=True,
                                                   request_handler=_QuietHandler)
        shown_host = host if ":" not in host else f"[{host}]"
        self.url = f"http://{shown_host}:{self._server.server_port}"
        self.app.bind(self.url)
        self._tls: BaseWSGIServer | None = None
        self._create_eks_clusters(host)
        self._thread: threading.Thread | None = None

    def _create_eks_clusters(self, host: str) -> None:
        """The fixture's clusters, each with an API server endpoint (https, on a second port: kubectl sends
        credentials only over TLS) and that server's certificate as the cluster's CA."""
        if not self.world.fixture.eks_clusters:
            return
        import base64

        from moto.eks.models import eks_backends

        from atmos_auth.emulator.tls import server_context

        try:
            ip = ipaddress.ip_address(host.strip("[]"))
        except ValueError:  # a name (localhost): the clusters are reached on the loopback address
            ip = ipaddress.ip_address("127.0.0.1")
        ip = ipaddress.ip_address("127.0.0.1") if ip.is_unspecified else ip
        tls, cert = server_context(str(ip))
        self._tls = make_server(host, 0, self.app, threaded=True, request_handler=_QuietHandler, ssl_context=tls)
        shown = str(ip) if ip.version == 4 else f"[{ip}]"
        for cluster in self.world.fixture.eks_clusters:  # endpoints are set as DescribeCluster is asked (app.py)
            backend = eks_backends[str(cluster["account"])][cluster["region"]]
            if cluster["name"] not in backend.clusters:
                backend.create_cluster(name=cluster["name"], resources_vpc_config={},
                                       role_arn=f"arn:aws:iam::{cluster['account']}:role/eks-{cluster['name']}")
        self.app.kube = (f"https://{shown}:{self._tls.server_port}", base64.b64encode(cert).decode())

    def start(self) -> Emulator:
        self._thread = threading.Thread(target=self._server.serve_forever, name="emulator", daemon=True)
        self._thread.start()
        self._serve_tls()
        return self

    def serve_forever(self) -> None:
        self._serve_tls()
        self._server.serve_forever()

    def _serve_tls(self) -> None:
        if self._tls is not None:
            threading.Thread(target=self._tls.serve_forever, name="emulator-tls", daemon=True).start()
            self._tls_serving = True

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        if self._tls is not None:
            if getattr(self, "_tls_serving", False):
                self._tls.shutdown()
            self._tls.server_close()

    def __enter__(self) -> str:
        self.start()
        return self.url

    def __exit__(self, *exc: object) -> None:
        self.stop()
