"""atmos-auth: Atmos-compatible AWS sign-in chains and lossless ECR docker login."""

__version__ = "0.1.0"
__all__ = ["__version__"]
