"""A small SAML identity provider and STS's side of it: a login form that posts back a signed SAML
response listing the person's roles (as an IdP does for AWS), and AssumeRoleWithSAML, which checks the
signature against the IdP's certificate, the assertion's lifetime, and the role/provider pair."""

from __future__ import annotations

import base64
import datetime as dt
import html
import uuid
from functools import cached_property
from typing import Any

from atmos_auth.emulator.errors import ApiError
from atmos_auth.emulator.state import World

ROLE_ATTRIBUTE = "https://aws.amazon.com/SAML/Attributes/Role"
NAMES = 'xmlns:saml2p="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml2="urn:oasis:names:tc:SAML:2.0:assertion"'


AWS_ACS = "https://signin.aws.amazon.com/saml"


class IdentityProvider:
    def __init__(self, world: World) -> None:
        self.world = world

    @cached_property
    def keys(self) -> tuple[bytes, bytes]:
        """The IdP's signing key and certificate (PEM), made once per emulator."""
        from atmos_auth.emulator.tls import self_signed

        return self_signed("emulator-idp")

    def login_page(self, error: str = "", acs: str = "") -> str:
        """The sign-in form; `acs` is where the response goes (an app configured with another ACS URL, such
        as a local listener), AWS's sign-in page by default."""
        note = f"<p class=error>{html.escape(error)}</p>" if error else ""
        return ("<!doctype html><html><body><h1>Emulator IdP</h1>" + note +
                '<form method="post" action="/_emulator/saml/login">'
                '<input type="text" name="username"><input type="password" name="password">'
                '<input type="hidden" name="RelayState" value="">'
                f'<input type="hidden" name="acs" value="{html.escape(acs)}">'
                '<button type="submit">Sign in</button></form></body></html>')

    def respond(self, username: str, password: str, acs: str = "") -> str | None:
        """The page a browser gets after signing in: a form posting the signed response to the ACS."""
        user = next((u for u in self.settings.get("users", []) if u.get("username") == username), None)
        if user is None or user.get("password") != password:
            return None
        signed = self._signed_response(username, [f"{role},{self.provider_arn}" for role in user.get("roles", [])])
        value = base64.b64encode(signed).decode()
        return ('<!doctype html><html><body onload="document.forms[0].submit()">'
                f'<form method="post" action="{html.escape(acs or AWS_ACS)}">'
                f'<input type="hidden" name="SAMLResponse" value="{value}"></form></body></html>')

    @property
    def settings(self) -> dict[str, Any]:
        return self.world.fixture.raw.get("saml") or {}

    @property
    def provider_arn(self) -> str:
        return str(self.settings.get("provider_arn", "arn:aws:iam::123456789012:saml-provider/emulator-idp"))

    def _signed_response(self, username: str, roles: list[str]) -> bytes:
        from lxml import etree
        from signxml import XMLSigner

        now = dt.datetime.fromtimestamp(self.world.now(), dt.UTC)
        stamp = lambda moment: moment.strftime("%Y-%m-%dT%H:%M:%SZ")  # noqa: E731
        values = "".join(f"<saml2:AttributeValue>{html.escape(r)}</saml2:AttributeValue>" for r in roles)
        assertion = (
            f'<saml2:Assertion {NAMES} ID="_{uuid.uuid4().hex}" IssueInstant="{stamp(now)}" Version="2.0">'
            "<saml2:Issuer>emulator-idp</saml2:Issuer>"
            f"<saml2:Subject><saml2:NameID>{html.escape(username)}</saml2:NameID></saml2:Subject>"
            f'<saml2:Conditions NotBefore="{stamp(now - dt.timedelta(minutes=1))}" '
            f'NotOnOrAfter="{stamp(now + dt.timedelta(minutes=5))}"/>'
            f'<saml2:AttributeStatement><saml2:Attribute Name="{ROLE_ATTRIBUTE}">{values}</saml2:Attribute>'
            '<saml2:Attribute Name="https://aws.amazon.com/SAML/Attributes/RoleSessionName">'
            f"<saml2:AttributeValue>{html.escape(username)}</saml2:AttributeValue></saml2:Attribute>"
            "</saml2:AttributeStatement></saml2:Assertion>")
        key, cert = self.keys
        signed = XMLSigner().sign(etree.fromstring(assertion.encode()), key=key, cert=cert.decode())
        response = etree.fromstring(f'<saml2p:Response {NAMES} ID="_{uuid.uuid4().hex}" Version="2.0" '
                                    f'IssueInstant="{stamp(now)}"><saml2:Issuer>emulator-idp</saml2:Issuer>'
                                    "</saml2p:Response>".encode())
        response.append(signed)
        return etree.tostring(response)

    def assume_role_with_saml(self, params: dict[str, str]) -> str:
        from lxml import etree
        from signxml import XMLVerifier

        from atmos_auth.emulator.sts import _assumed, _duration

        role_arn, provider = params.get("RoleArn", ""), params.get("PrincipalArn", "")
        try:
            document = etree.fromstring(base64.b64decode(params.get("SAMLAssertion", ""), validate=True),
                                        parser=etree.XMLParser(resolve_entities=False, no_network=True))
            found = document.find("{urn:oasis:names:tc:SAML:2.0:assertion}Assertion")
            result = XMLVerifier().verify(found, x509_cert=self.keys[1].decode())
            verified: Any = result[0].signed_xml if isinstance(result, list) else result.signed_xml
            ns = {"a": "urn:oasis:names:tc:SAML:2.0:assertion"}
            until = verified.find("a:Conditions", ns).get("NotOnOrAfter", "")
            name = verified.find("a:Subject/a:NameID", ns).text or "saml"
        except Exception as exc:
            raise ApiError("InvalidIdentityToken", f"The SAML assertion is not valid: {type(exc).__name__}", 400) from None
        if dt.datetime.strptime(until, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.UTC).timestamp() < self.world.now():
            raise ApiError("ExpiredTokenException", "The SAML assertion has expired", 400)
        pairs = {frozenset(v.text.split(",")) for v in verified.findall(
            f"a:AttributeStatement/a:Attribute[@Name='{ROLE_ATTRIBUTE}']/a:AttributeValue", ns) if v.text}
        if frozenset((role_arn, provider)) not in pairs:
            raise ApiError("AccessDenied", f"Not authorized to perform sts:AssumeRoleWithSAML on {role_arn} "
                           "(the assertion does not grant this role with this provider)", 403)
        role = self.world.fixture.roles.get(role_arn)
        if role is None:
            raise ApiError("AccessDenied", f"Not authorized to perform sts:AssumeRoleWithSAML on {role_arn}", 403)
        return _assumed(self.world, role, name[:64], _duration(params), "AssumeRoleWithSAML",
                        f"<Issuer>emulator-idp</Issuer><Subject>{html.escape(name)}</Subject>")
