"""The emulator's WSGI application: one base URL, dispatched by path, X-Amz-Target and STS Action.

Faults and latency apply to AWS operations (not to /_emulator control calls); every AWS call is logged
with its operation and calling principal.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import parse_qs

from werkzeug.wrappers import Request, Response

from atmos_auth.emulator import control, ecr, signin, sso, sts
from atmos_auth.emulator.errors import ApiError
from atmos_auth.emulator.jwt import Issuer
from atmos_auth.emulator.sigv4 import authenticate, scope
from atmos_auth.emulator.state import World

ECR_TARGET = "AmazonEC2ContainerRegistry_V20150921."
ECR_PUBLIC_TARGET = "SpencerFrontendService."
_OIDC_PATHS = {"/client/register": "RegisterClient", "/device_authorization": "StartDeviceAuthorization",
               "/token": "CreateToken"}
_PORTAL_PATHS = {"/federation/credentials": "GetRoleCredentials", "/assignment/accounts": "ListAccounts",
                 "/assignment/roles": "ListAccountRoles", "/logout": "Logout"}


class EmulatorApp:
    def __init__(self, world: World) -> None:
        self.world = world
        self.base_url = ""
        self.issuers: dict[str, Issuer] = {}
        self._moto: Callable[..., Iterable[bytes]] | None = None

    def bind(self, base_url: str) -> None:
        """Called once the port is known: issuer URLs and verification links need the base URL."""
        self.base_url = base_url
        self.issuers = {name: Issuer(name, f"{base_url}/_emulator/oidc/{name}") for name in ("github", "gitlab")}
        from atmos_auth.emulator.saml import IdentityProvider

        self.saml = IdentityProvider(self.world)

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        request = Request(environ)
        if request.path.startswith(("/_emulator/", "/device/")) or request.path == "/device":
            return control.handle(self, request)(environ, start_response)
        if request.path == "/federation":  # the console sign-in endpoint (signin.aws.amazon.com)
            answer, action, who = signin.handle(self.world, request)
            self.world.record(operation=action, principal=who, status=answer.status_code, region=None)
            return answer(environ, start_response)
        body = request.get_data()
        operation, protocol = self._identify(request, body)
        if operation is None:
            return self._delegate_to_moto(request, environ, start_response)
        fault = self.world.take_fault(operation)
        if self.world.latency_ms:
            time.sleep(self.world.latency_ms / 1000)
        principal = None
        try:
            if fault is not None:
                self._inject(fault, request)
            response, principal = self._dispatch(operation, request, body)
        except ApiError as error:
            response = _render_error(protocol, error)
        self.world.record(operation=operation, principal=principal, status=response.status_code,
                          region=scope(request)[1])
        return response(environ, start_response)

    # --- routing -----------------------------------------------------------------------------------

    def _identify(self, request: Request, body: bytes) -> tuple[str | None, str]:
        target = request.headers.get("X-Amz-Target", "")
        if target.startswith(ECR_TARGET):
            return f"ecr:{target[len(ECR_TARGET):]}", "json"
        if target.startswith(ECR_PUBLIC_TARGET):
            return f"ecr-public:{target[len(ECR_PUBLIC_TARGET):]}", "json"
        if request.path in _OIDC_PATHS and request.method == "POST":
            return f"sso-oidc:{_OIDC_PATHS[request.path]}", "rest-json"
        if request.path in _PORTAL_PATHS:
            return f"sso:{_PORTAL_PATHS[request.path]}", "rest-json"
        if request.method == "POST" and request.path == "/" and b"Action=" in body:
            action = parse_qs(body.decode()).get("Action", [""])[0]
            if action in ("AssumeRole", "AssumeRoleWithWebIdentity", "GetSessionToken", "GetCallerIdentity",
                          "AssumeRoot", "AssumeRoleWithSAML"):
                return f"sts:{action}", "query"
        return None, ""

    def _dispatch(self, operation: str, request: Request, body: bytes) -> tuple[Response, str | None]:
        world = self.world
        service, _, name = operation.partition(":")
        if service == "sso-oidc":
            payload = json.loads(body or b"{}")
            if name == "RegisterClient":
                return _json(sso.register_client(world, payload)), None
            if name == "StartDeviceAuthorization":
                return _json(sso.start_device_authorization(world, payload, self.base_url)), None
            return _json(sso.create_token(world, payload)), None
        if service == "sso":
            token = request.headers.get("x-amz-sso_bearer_token", "")
            args = dict(request.args)
            handler = {"GetRoleCredentials": sso.get_role_credentials, "ListAccounts": sso.list_accounts,
                       "ListAccountRoles": sso.list_account_roles}.get(name)
            return _json(handler(world, token, args) if handler else sso.logout(world, token)), None
        if service == "sts":
            params = {k: v[0] for k, v in parse_qs(body.decode()).items()}
            if name == "AssumeRoleWithWebIdentity":
                return _xml(sts.envelope(name, sts.assume_role_with_web_identity(world, self.issuers, params))), None
            if name == "AssumeRoleWithSAML":
                return _xml(sts.envelope(name, self.saml.assume_role_with_saml(params))), None
            caller = authenticate(world, request, body)
            sts_handler = {"AssumeRole": sts.assume_role, "GetSessionToken": sts.get_session_token,
                           "GetCallerIdentity": sts.get_caller_identity, "AssumeRoot": sts.assume_root}[name]
            return _xml(sts.envelope(name, sts_handler(world, caller, params))), caller.principal.arn
        caller = authenticate(world, request, body)
        region = scope(request)[1] or "us-east-1"
        payload = json.loads(body or b"{}")
        if operation == "ecr:GetAuthorizationToken":
            return _json(ecr.get_authorization_token(world, caller, region, payload)), caller.principal.arn
        if operation == "ecr-public:GetAuthorizationToken":
            return _json(ecr.get_public_authorization_token(world, caller, region)), caller.principal.arn
        raise ApiError("UnknownOperationException", f"{operation} is not implemented by the emulator", 400)

    def _inject(self, fault: Any, request: Request) -> None:
        if fault.kind == "throttle":
            raise ApiError("ThrottlingException", "Rate exceeded", 400)
        if fault.kind == "error500":
            raise ApiError("InternalFailure", "injected internal error", 500)
        if fault.kind == "hang":
            time.sleep(fault.seconds)
            return
        sock = request.environ.get("werkzeug.socket")  # "reset": drop the connection without an answer
        if sock is not None:
            import socket

            sock.shutdown(socket.SHUT_RDWR)
        raise ConnectionAbortedError("injected connection reset")

    def _delegate_to_moto(self, request: Request, environ: dict[str, Any],
                          start_response: Callable[..., Any]) -> Iterable[bytes]:
        """Anything we do not emulate ourselves (e.g. EKS) goes to moto, as the caller's account."""
        service, region = scope(request)
        principal = None
        try:
            caller = authenticate(self.world, request, request.get_data())
            environ["HTTP_X_MOTO_ACCOUNT_ID"] = caller.principal.account
            principal = caller.principal.arn
        except ApiError as error:
            self.world.record(operation=f"{service}:?", principal=None, status=error.status, region=region)
            return _render_error("rest-json", error)(environ, start_response)
        self.world.record(operation=f"{service}:{request.method} {request.path}", principal=principal,
                          status=None, region=region)
        if service == "eks" and caller.principal.account and region:
            self._point_clusters(caller.principal.account, region)
        return self.moto()(environ, start_response)

    #: The clusters' API server (https base URL) and its certificate (base64 PEM), set by the server.
    kube: tuple[str, str] | None = None

    def _point_clusters(self, account: str, region: str) -> None:
        """moto's clusters are per process: point them at this emulator's API server before it answers."""
        if self.kube is None:
            return
        from moto.eks.models import eks_backends

        from atmos_auth.emulator.kube_api import endpoint

        for name, cluster in eks_backends[account][region].clusters.items():
            cluster.endpoint = endpoint(self.kube[0], name)
            cluster.certificate_authority = {"data": self.kube[1]}

    def moto(self) -> Callable[..., Iterable[bytes]]:
        if self._moto is None:
            from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app

            self._moto = DomainDispatcherApplication(create_backend_app)
        return self._moto


def _json(payload: dict[str, Any], status: int = 200) -> Response:
    return Response(json.dumps(payload), status=status, content_type="application/x-amz-json-1.1")


def _xml(text: str) -> Response:
    return Response(text, status=200, content_type="text/xml")


def _render_error(protocol: str, error: ApiError) -> Response:
    if protocol == "query":
        return Response(sts.error_xml(error), status=error.status, content_type="text/xml")
    body = error.body or {"__type": error.code, "message": error.message}
    response = Response(json.dumps(body), status=error.status, content_type="application/json")
    response.headers["x-amzn-ErrorType"] = error.code
    return response
