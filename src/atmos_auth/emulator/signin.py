"""The AWS sign-in federation endpoint (signin.aws.amazon.com/federation): getSigninToken turns temporary
credentials into a sign-in token; login takes the token and "opens" the console (a page naming who)."""

from __future__ import annotations

import html
import json
import secrets
from typing import Any

from werkzeug.wrappers import Request, Response

#: A sign-in token is good for 15 minutes, as AWS's.
TOKEN_TTL = 15 * 60


def handle(world: Any, request: Request) -> tuple[Response, str, str | None]:
    """(response, operation, principal) for one request to /federation."""
    action = request.args.get("Action", "")
    if action == "getSigninToken":
        return _token(world, request)
    if action == "login":
        return _login(world, request)
    return Response("Action must be getSigninToken or login", status=400), "signin:Unknown", None


def _token(world: Any, request: Request) -> tuple[Response, str, str | None]:
    operation = "signin:GetSigninToken"
    try:
        session = json.loads(request.args.get("Session", ""))
        key, secret, token = session["sessionId"], session["sessionKey"], session["sessionToken"]
    except (ValueError, KeyError, TypeError):
        return Response("The Session parameter is not valid JSON with sessionId, sessionKey and sessionToken",
                        status=400), operation, None
    duration = request.args.get("SessionDuration")
    if duration is not None and not (duration.isdigit() and 900 <= int(duration) <= 43200):
        return Response("SessionDuration must be 900 to 43200 seconds", status=400), operation, None
    issued = world.credentials.get(key)
    if issued is None or issued.secret_access_key != secret or (issued.session_token or "") != token or not token:
        return Response("The credentials are not valid temporary credentials", status=400), operation, None
    if issued.expires_at is not None and issued.expires_at < world.now():
        return Response("The credentials have expired", status=400), operation, issued.principal.arn
    value = secrets.token_urlsafe(48)
    with world.lock:
        world.signin_tokens[value] = (issued.principal.arn, world.now() + TOKEN_TTL)
    return Response(json.dumps({"SigninToken": value}), mimetype="application/json"), operation, issued.principal.arn


def _login(world: Any, request: Request) -> tuple[Response, str, str | None]:
    operation = "signin:Login"
    found = world.signin_tokens.get(request.args.get("SigninToken", ""))
    if found is None or found[1] < world.now():
        return Response("The sign-in token is not valid or has expired", status=400), operation, None
    arn, _ = found
    destination = request.args.get("Destination", "")
    page = (f"<html><body><h1>AWS console (emulated)</h1><p>Signed in as {html.escape(arn)}</p>"
            f"<p>Destination: {html.escape(destination)}</p><p>Issuer: {html.escape(request.args.get('Issuer', ''))}"
            "</p></body></html>")
    return Response(page, mimetype="text/html"), operation, arn
