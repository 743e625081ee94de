"""Self-signed certificates made per run: the SAML IdP's signing certificate, and the one the clusters'
API servers present over TLS (kubectl sends credentials only over https; the kubeconfig's
certificate-authority-data is this certificate, as EKS gives a cluster's CA)."""

from __future__ import annotations

import datetime as dt
import functools
import ipaddress
import ssl
import tempfile
from pathlib import Path


def self_signed(common_name: str, ip: str | None = None) -> tuple[bytes, bytes]:
    """A new RSA key and a self-signed certificate (both PEM); with `ip`, valid as that address's server."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = dt.datetime.now(dt.UTC)
    builder = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
               .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(days=1))
               .not_valid_after(now + dt.timedelta(days=365)))
    if ip is not None:
        builder = (builder.add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address(ip))]),
                                         critical=False)
                   .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
                   .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False))
    cert = builder.sign(key, hashes.SHA256())
    return (key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                              serialization.NoEncryption()), cert.public_bytes(serialization.Encoding.PEM))


@functools.cache  # one key per process: tests start many emulators
def server_context(ip: str) -> tuple[ssl.SSLContext, bytes]:
    """A TLS server context for `ip`, and its certificate (PEM) for clients to trust."""
    key, cert = self_signed("emulator-eks", ip)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    with tempfile.TemporaryDirectory() as folder:  # the ssl module loads keys from files only
        (Path(folder) / "key.pem").write_bytes(key)
        (Path(folder) / "cert.pem").write_bytes(cert)
        context.load_cert_chain(Path(folder) / "cert.pem", Path(folder) / "key.pem")
    return context, cert
