"""The control API (/_emulator/...) for tests, and the device-approval page a browser shows.

  GET    /_emulator/health                     -> {"ok": true}
  GET    /_emulator/requests                   -> the request log; DELETE clears it
  GET    /_emulator/device/pending             -> user codes waiting for a decision
  POST   /_emulator/device/approve|deny        {"user_code": "ABCD-EFGH"}
  POST   /_emulator/faults                     {"operation": "ecr:GetAuthorizationToken", "kind": "throttle", "count": 2}
  DELETE /_emulator/faults
  POST   /_emulator/latency                    {"ms": 100}
  POST   /_emulator/sso/expire-tokens          every SSO access token stops working (refresh tokens still do)
  POST   /_emulator/sso/forget-registrations   the portal forgets every client registration (as after a reset)
  POST   /_emulator/clock                      {"offset_seconds": 3600}: AWS's clock runs that far ahead of ours
  GET    /_emulator/ecr-password/<account>     the registry password the ECR tokens of <account> carry
  GET    /_emulator/oidc/github/token?audience=A   (Authorization: bearer <ACTIONS_ID_TOKEN_REQUEST_TOKEN>)
  POST   /_emulator/oidc/gitlab/mint           {"audience": "sts.amazonaws.com", "subject": "project_path:g/p"}
  GET    /_emulator/oidc/<issuer>/.well-known/jwks.json
  *      /_emulator/eks/clusters/<name>/...    the cluster's API server (GET version, POST selfsubjectreviews)
  GET    /device?user_code=X                   the Approve / Deny page (POST /device/decide)
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from werkzeug.wrappers import Request, Response

from atmos_auth.emulator import sso
from atmos_auth.emulator.state import parse_fault

if TYPE_CHECKING:
    from atmos_auth.emulator.app import EmulatorApp

#: The bearer that the emulator's GitHub token endpoint expects (tests set ACTIONS_ID_TOKEN_REQUEST_TOKEN to it).
GITHUB_REQUEST_TOKEN = "emulator-actions-request-token"


def _json(payload: Any, status: int = 200) -> Response:
    return Response(json.dumps(payload, default=str), status=status, content_type="application/json")


def handle(app: EmulatorApp, request: Request) -> Response:
    world = app.world
    path, method = request.path, request.method
    body = request.get_json(silent=True, force=True)
    if not isinstance(body, dict):
        body = {}
    if path == "/device" and method == "GET":
        code = request.args.get("user_code", "")
        return Response(sso.device_page(code), content_type="text/html")
    if path == "/device/decide" and method == "POST":
        approve = request.form.get("decision") == "approve"
        done = sso.decide(world, request.form.get("user_code", ""), approve)
        text = ("Request approved. You can close this window." if approve else "Request denied.") if done \
            else "No pending request has this code."
        return Response(f"<!doctype html><html><body><h1>{text}</h1></body></html>", content_type="text/html",
                        status=200 if done else 404)
    route = path.removeprefix("/_emulator")
    if route == "/health":
        return _json({"ok": True, "base_url": app.base_url})
    if route == "/requests":
        if method == "DELETE":
            world.log.clear()
            return _json({"cleared": True})
        return _json(world.log)
    if route == "/device/pending":
        return _json(sso.pending_codes(world))
    if route in ("/device/approve", "/device/deny") and method == "POST":
        done = sso.decide(world, body.get("user_code", ""), route.endswith("approve"))
        return _json({"ok": done}, 200 if done else 404)
    if route == "/faults":
        if method == "DELETE":
            world.faults.clear()
            return _json({"cleared": True})
        try:
            fault = parse_fault(f"{body['operation']}={body['kind']}:{int(body.get('count', 1))}:"
                                f"{float(body.get('seconds', 5))}")
        except (KeyError, ValueError, TypeError) as exc:
            return _json({"message": f"expected JSON {{operation, kind[, count, seconds]}}: {exc}"}, 400)
        world.faults.append(fault)
        return _json({"ok": True})
    if route == "/latency" and method == "POST":
        world.latency_ms = int(body.get("ms", 0))
        return _json({"ok": True})
    if route == "/sso/expire-tokens" and method == "POST":
        with world.lock:
            for session in world.sessions.values():
                session.expires_at = 0
        return _json({"ok": True})
    if route == "/sso/forget-registrations" and method == "POST":
        with world.lock:
            world.registrations.clear()
        return _json({"ok": True})
    if route == "/clock" and method == "POST":
        try:
            world.clock_offset = float(body.get("offset_seconds", 0))
        except (TypeError, ValueError):
            return _json({"message": "expected JSON {offset_seconds}"}, 400)
        return _json({"ok": True})
    if route == "/saml/login":  # the IdP's sign-in form, and the signed response it posts back to AWS
        acs = request.args.get("acs", "") if method == "GET" else request.form.get("acs", "")
        if method == "GET":
            return Response(app.saml.login_page(acs=acs), content_type="text/html")
        page = app.saml.respond(request.form.get("username", ""), request.form.get("password", ""), acs)
        world.record(operation="saml:Login", principal=request.form.get("username"), status=200 if page else 401,
                     region=None)
        return Response(page or app.saml.login_page("Invalid username or password.", acs), content_type="text/html",
                        status=200 if page else 401)
    if path.startswith("/_emulator/eks/clusters/"):  # the endpoint eks:DescribeCluster answers
        from urllib.parse import urlsplit

        from atmos_auth.emulator import kube_api

        return kube_api.handle(world, request, urlsplit(app.base_url).netloc)
    if route == "/eks/authenticate" and method == "POST":  # what a cluster's authenticator does with a token
        from atmos_auth.emulator.eks_auth import Refused, authenticate

        try:
            who = authenticate(world, str(body.get("token", "")), str(body.get("cluster", "")), request.host)
        except Refused as why:
            return _json({"authenticated": False, "error": str(why)}, 401)
        return _json({"authenticated": True, **who})
    if route.startswith("/ecr-password/"):
        return _json({"username": "AWS", "password": world.ecr_password(route.rsplit("/", 1)[1])})
    if route == "/oidc/github/token":
        if request.headers.get("Authorization", "").lower() != f"bearer {GITHUB_REQUEST_TOKEN}":
            return _json({"message": "Bad credentials"}, 401)
        audience = request.args.get("audience", "sts.amazonaws.com")
        token = app.issuers["github"].mint(audience, "repo:company/app:ref:refs/heads/main",
                                           repository="company/app")
        return _json({"value": token, "count": 1})
    if route == "/oidc/gitlab/mint" and method == "POST":
        token = app.issuers["gitlab"].mint(body.get("audience", "sts.amazonaws.com"),
                                           body.get("subject", "project_path:company/app:ref_type:branch:ref:main"),
                                           ttl=int(body.get("ttl", 300)))
        return _json({"token": token})
    for name, issuer in app.issuers.items():
        if route == f"/oidc/{name}/.well-known/jwks.json":
            return _json(issuer.jwks())
        if route == f"/oidc/{name}/.well-known/openid-configuration":
            return _json({"issuer": issuer.url, "jwks_uri": f"{issuer.url}/.well-known/jwks.json"})
    return _json({"message": f"no such control endpoint: {method} {path}"}, 404)
