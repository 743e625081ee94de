"""The SAML `Browser` driver: the sign-in happens in the person's own browser, and the IdP posts the
SAMLResponse to a listener on this machine (`http://localhost:<port>/saml`, an ACS URL added to the IdP's
AWS app) instead of AWS's sign-in page. Nothing drives the browser (Atmos uses Playwright): any browser,
MFA and SSO extension works. Headless, forward the port (`ssh -L 8765:localhost:8765 host`) and open the
printed URL on the laptop."""

from __future__ import annotations

import threading
import time
import webbrowser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs

from atmos_auth.errors import AuthError, InteractionRequired

if TYPE_CHECKING:
    from atmos_auth.interaction import Interaction

DEFAULT_PORT = 8765
WAIT = 300.0  # as long as Atmos's browser sign-in waits
MAX_BODY = 1 << 20
DONE_PAGE = (b"<!doctype html><html><body><h2>Signed in.</h2><p>You can close this tab and return to your "
             b"terminal.</p></body></html>")


class _Listener(ThreadingHTTPServer):
    daemon_threads = True
    response: str | None = None
    sign_in_url = ""


class _Handler(BaseHTTPRequestHandler):
    server: _Listener

    def log_message(self, *args: Any) -> None:  # nothing of a sign-in goes to the terminal
        pass

    def do_GET(self) -> None:  # noqa: N802  # the listener's own URL leads to the IdP (handy over ssh -L)
        self.send_response(302)
        self.send_header("Location", self.server.sign_in_url)
        self.end_headers()

    def do_POST(self) -> None:  # noqa: N802
        length = int(self.headers.get("Content-Length") or 0)
        if self.path.split("?")[0] != "/saml" or not 0 < length <= MAX_BODY:
            self.send_error(404 if self.path.split("?")[0] != "/saml" else 400)
            return
        form = parse_qs(self.rfile.read(length).decode("ascii", "replace"))
        value = (form.get("SAMLResponse") or [""])[0]
        if not value:
            self.send_error(400, "no SAMLResponse")
            return
        self.server.response = value
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(DONE_PAGE)))
        self.end_headers()
        self.wfile.write(DONE_PAGE)


def sign_in(url: str, port: int, ui: Interaction, step: str, wait: float = WAIT) -> str:
    """Open `url` in the browser and return the SAMLResponse the IdP posts to the listener."""
    try:
        listener = _Listener(("127.0.0.1", port), _Handler)
    except OSError as exc:
        raise AuthError(f"cannot listen on localhost:{port} for the IdP's response: {exc.strerror or exc}",
                        step=step, remedy="free the port, or set `spec.acs_port` (and the ACS URL at the IdP)") \
            from None
    listener.sign_in_url = url
    thread = threading.Thread(target=listener.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    thread.start()
    try:
        ui.notice(f"Sign in to the IdP in your browser; its response comes to http://localhost:{port}/saml.\n"
                  f"If no browser opens, visit: {url}")
        if not _open(url) and not ui.interactive:
            raise InteractionRequired("the SAML Browser driver needs a browser and none could be opened",
                                      remedy="use a form driver in CI, or set BROWSER to a browser command")
        deadline = time.monotonic() + wait
        while listener.response is None:
            if time.monotonic() > deadline:
                raise AuthError(f"no SAML response reached http://localhost:{port}/saml within "
                                f"{int(wait)} s", step=step,
                                remedy=f"add http://localhost:{port}/saml as an ACS (reply) URL of the IdP's AWS "
                                       "app, then sign in again")
            time.sleep(0.1)
        return listener.response
    finally:
        listener.shutdown()
        listener.server_close()


def _open(url: str) -> bool:
    try:
        return webbrowser.open(url)
    except webbrowser.Error:
        return False
