"""A local AWS emulator over real HTTP for tests, benchmarks and the demo.

It serves IAM Identity Center (OIDC device flow and portal), STS, ECR, ECR Public, EKS (through moto)
and CI OIDC tokens at one base URL, so `AWS_ENDPOINT_URL=<url>` points every client at it.
"""

from atmos_auth.emulator.server import Emulator

__all__ = ["Emulator"]
