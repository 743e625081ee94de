"""aws/assume-role: sts:AssumeRole from the previous identity, or AssumeRoleWithWebIdentity after an OIDC provider."""

from __future__ import annotations

import re
from typing import Any, Literal

from atmos_auth.aws import client, local_expiry, translate
from atmos_auth.config.model import IdentityConfig
from atmos_auth.config.types import Duration, Region, RoleArn, Strict
from atmos_auth.credentials import Credentials, Secret, Token
from atmos_auth.errors import AccessDenied, AuthError

KIND = "aws/assume-role"


class Principal(Strict):
    assume_role: RoleArn
    session_name: str | None = None
    external_id: str | None = None
    duration: Duration | None = None
    region: Region | None = None


class Config(IdentityConfig):
    kind: Literal["aws/assume-role"]
    principal: Principal


def session_name(text: str) -> str:
    """AWS allows [\\w+=,.@-]{2,64}; anything else becomes '-'."""
    cleaned = re.sub(r"[^\w+=,.@-]", "-", text)[:64]
    return cleaned if len(cleaned) >= 2 else (cleaned + "--")[:2]


class AssumeRoleIdentity:
    def __init__(self, name: str, config: Config) -> None:
        self.name = name
        self.config = config

    def authenticate(self, source: Secret | None) -> Credentials:
        p = self.config.principal
        region = p.region or (source.region if source else None) or "us-east-1"
        params: dict[str, Any] = {"RoleArn": p.assume_role,
                                  "RoleSessionName": session_name(p.session_name or f"atmos-{self.name}")}
        duration = p.duration or (self.config.session.duration if self.config.session else None)
        if duration:
            params["DurationSeconds"] = duration
        sts = client("sts", region, source if isinstance(source, Credentials) else None,
                     unsigned=not isinstance(source, Credentials), endpoint=self.config.endpoint)
        if isinstance(source, Token) and source.kind == "oidc":
            action, caller = "sts:AssumeRoleWithWebIdentity", "the CI identity token"
            call = lambda: sts.assume_role_with_web_identity(WebIdentityToken=source.value, **params)  # noqa: E731
        elif isinstance(source, Token) and source.kind == "saml":
            action, caller = "sts:AssumeRoleWithSAML", "the SAML assertion"
            provider_arn = saml_provider_of(source.value, p.assume_role, self.name)
            params.pop("RoleSessionName")  # the IdP names the session
            call = lambda: sts.assume_role_with_saml(PrincipalArn=provider_arn, SAMLAssertion=source.value,  # noqa: E731
                                                     **params)
        elif isinstance(source, Credentials):
            if p.external_id:
                params["ExternalId"] = p.external_id
            action = "sts:AssumeRole"
            caller = source.principal or f"the previous identity ({source.masked_key})"
            call = lambda: sts.assume_role(**params)  # noqa: E731
        else:
            raise AuthError("aws/assume-role needs credentials or an OIDC token from the previous step",
                            identity=self.name)
        try:
            out = call()
        except Exception as exc:
            error = translate(exc, identity=self.name, step=self.name, action=action)
            if isinstance(error, AccessDenied):
                error.remedy = (f"{caller} may not assume {p.assume_role}: check the role's trust policy"
                                + (" and external_id" if p.external_id else ""))
            raise error from None
        c = out["Credentials"]
        return Credentials(access_key_id=c["AccessKeyId"], secret_access_key=c["SecretAccessKey"],
                           session_token=c["SessionToken"], expires_at=local_expiry(out, c["Expiration"]), region=region,
                           account_id=p.assume_role.split(":")[4], principal=out["AssumedRoleUser"]["Arn"])


ROLE_ATTRIBUTE = "https://aws.amazon.com/SAML/Attributes/Role"


def saml_provider_of(response: str, role_arn: str, identity: str) -> str:
    """The SAML provider ARN the assertion pairs with `role_arn` (its Role attribute holds
    "role,provider" pairs, in either order); an error naming the roles it does grant otherwise."""
    import base64

    from defusedxml import ElementTree

    try:
        root = ElementTree.fromstring(base64.b64decode(response, validate=True))
    except Exception:
        raise AuthError("the SAML response is not valid XML", identity=identity) from None
    pairs = []
    for attribute in root.iter("{urn:oasis:names:tc:SAML:2.0:assertion}Attribute"):
        if attribute.get("Name") == ROLE_ATTRIBUTE:
            for value in attribute.iter("{urn:oasis:names:tc:SAML:2.0:assertion}AttributeValue"):
                parts = [part.strip() for part in (value.text or "").split(",")]
                roles = [x for x in parts if ":role/" in x]
                providers = [x for x in parts if ":saml-provider/" in x]
                if roles and providers:
                    pairs.append((roles[0], providers[0]))
    found = next((provider for role, provider in pairs if role == role_arn), None)
    if found is None:
        raise AuthError(f"the SAML assertion does not grant {role_arn}", identity=identity,
                        remedy=f"roles it grants: {', '.join(r for r, _ in pairs) or 'none'}")
    return found


def build(name: str, config: Config, ctx: object, previous: object) -> AssumeRoleIdentity:
    return AssumeRoleIdentity(name, config)
