"""The one error tree of atmos-auth; the CLI maps it to exit codes in one place.

* AtmosAuthError                 exit 1
  + ConfigError                  the atmos.yaml cannot be found, read or validated
  + UsageError                   exit 2: bad arguments
    - InteractionRequired        exit 2: a person is needed but there is no terminal
  + NotLoggedIn                  nothing usable is cached for the identity (whoami never signs in)
  + AuthError                    a step of an identity chain failed (names identity and step)
    - SessionExpired             the cached session is gone: run `atmos auth login`
    - AccessDenied               AWS said no; names the principal and the action
    - DeviceAuthorizationFailed  the device code was denied or expired
  + EndpointError                AWS could not be reached (names the endpoint)
  + IntegrationError             an integration (ECR login) failed
    - RegistryError              a registry host is not a private ECR host
  + StorageError                 one of our files cannot be read or written (names the file)
    - FileAccessError            a read or write failed (permission, full disk, not a regular file)
    - LockTimeout                another process held a lock for too long (names the holder)
    - DockerConfigError          the Docker config.json cannot be read or written safely
  + Interrupted                  exit 130: Ctrl-C
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_USAGE = 2
EXIT_INTEGRATIONS_FAILED = 3
EXIT_INTERRUPTED = 130


class AtmosAuthError(Exception):
    """Base error: a message for people plus an optional remedy line."""

    exit_code = EXIT_ERROR

    def __init__(self, message: str, *, remedy: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.remedy = remedy

    def __str__(self) -> str:
        return self.message


class ConfigError(AtmosAuthError):
    pass


class ConfigInvalid(ConfigError):
    """Every problem found in one configuration file, each already formatted as file:line: path: text."""

    def __init__(self, problems: list[str], head: str | None = None) -> None:
        self.problems = problems
        count = len(problems)
        super().__init__("\n".join([head or f"{count} problem{'s' if count != 1 else ''} in the auth configuration:",
                                    *(f"  {p}" for p in problems)]),
                         remedy="`atmos auth validate` shows every problem of the file" if head else None)


class NotLoggedIn(AtmosAuthError):
    pass


class UsageError(AtmosAuthError):
    exit_code = EXIT_USAGE


class InteractionRequired(UsageError):
    pass


def who(identity: str | None, step: str | None) -> str:
    """The "identity 'x', step 'y': " prefix of messages about a chain step."""
    if identity and step and identity != step:
        return f"identity {identity!r}, step {step!r}: "
    return f"{'identity' if identity else 'step'} {(identity or step)!r}: " if identity or step else ""


class AuthError(AtmosAuthError):
    def __init__(self, message: str, *, identity: str | None = None, step: str | None = None,
                 remedy: str | None = None) -> None:
        super().__init__(who(identity, step) + message, remedy=remedy)
        self.identity = identity
        self.step = step


class SessionExpired(AuthError):
    pass


class AccessDenied(AuthError):
    pass


class DeviceAuthorizationFailed(AuthError):
    pass


class EndpointError(AtmosAuthError):
    pass


class IntegrationError(AtmosAuthError):
    pass


class RegistryError(IntegrationError):
    pass


class StorageError(AtmosAuthError):
    pass


class FileAccessError(StorageError):
    pass


class LockTimeout(StorageError):
    pass


class DockerConfigError(StorageError):
    pass


class Interrupted(AtmosAuthError):
    exit_code = EXIT_INTERRUPTED

    def __init__(self, message: str = "interrupted") -> None:
        super().__init__(message)
