"""The one door to pydantic for the configuration models, with a pydantic-free stand-in.

pydantic validates every configuration the first time it is seen; importing it costs more than a whole
command may (issue 12's budget). A configuration validated before is read back from its snapshot
(config/snapshot.py), already checked: then the same model classes are built on a plain base that only
holds the values, and nothing imports pydantic. Which base the classes get is decided once, when this
module is first imported: by whether the snapshot of the configuration the command line asks for still
holds. The validators in the classes are never run on that path; properties and methods work alike.
"""

from __future__ import annotations

from typing import Any

from atmos_auth.config import snapshot

FAST = snapshot.fast_ready()

if not FAST:
    from pydantic import (
        BaseModel,
        BeforeValidator,
        ConfigDict,
        Field,
        SecretStr,
        ValidationError,
        field_validator,
        model_validator,
    )
else:
    class ValidationError(Exception):  # type: ignore[no-redef]
        """Never raised on this path (nothing is validated)."""

    class SecretStr:  # type: ignore[no-redef]
        """Snapshots never hold secrets (snapshot.py), so this is never filled; here for the annotations."""

        def __init__(self, value: str) -> None:
            self._value = value

        def get_secret_value(self) -> str:
            return self._value

    def ConfigDict(**settings: Any) -> dict[str, Any]:  # type: ignore[no-redef]  # noqa: N802
        return settings

    def Field(default: Any = None, **_: Any) -> Any:  # type: ignore[no-redef]  # noqa: N802
        return default  # instances carry every value, defaults included

    def BeforeValidator(function: Any) -> Any:  # type: ignore[no-redef]  # noqa: N802
        return function

    def field_validator(*_: Any, **__: Any) -> Any:  # type: ignore[no-redef]
        return lambda function: function

    model_validator = field_validator  # type: ignore[assignment]

    class BaseModel:  # type: ignore[no-redef]
        """A validated model read back from a snapshot: immutable values, pydantic's dump and copy."""

        model_config: dict[str, Any] = {}

        def __init_subclass__(cls, **_: Any) -> None:
            pass

        def __setattr__(self, name: str, value: Any) -> None:
            raise TypeError(f"{type(self).__name__} is frozen")

        def __eq__(self, other: object) -> bool:
            return type(other) is type(self) and other.__dict__ == self.__dict__

        def __hash__(self) -> int:
            return hash((type(self), tuple(self.__dict__)))

        def __repr__(self) -> str:
            return f"{type(self).__name__}({', '.join(f'{k}={v!r}' for k, v in self.__dict__.items())})"

        def model_dump(self, *, mode: str = "python", exclude: set[str] | None = None,
                       exclude_none: bool = False) -> dict[str, Any]:
            return {k: _dump(v, mode, exclude_none) for k, v in self.__dict__.items()
                    if k not in (exclude or ()) and not (exclude_none and v is None)}

        def model_copy(self, *, update: dict[str, Any] | None = None) -> Any:
            copy = object.__new__(type(self))
            copy.__dict__.update({**self.__dict__, **(update or {})})
            return copy


def _dump(value: Any, mode: str, exclude_none: bool) -> Any:
    """A value as pydantic's model_dump gives it; in json mode as pydantic's: keys as text, tuples and
    sets as lists, inf and nan as None, paths as text. (A snapshot holds nothing else: snapshot._encode.)"""
    json = mode == "json"
    if isinstance(value, BaseModel):
        return value.model_dump(mode=mode, exclude_none=exclude_none)
    if isinstance(value, dict):
        return {(str(k) if json and not isinstance(k, str) else k): _dump(v, mode, exclude_none)
                for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = [_dump(v, mode, exclude_none) for v in value]
        return items if json or isinstance(value, list) else type(value)(items)
    if json and isinstance(value, float) and (value != value or value in (float("inf"), float("-inf"))):
        return None
    if json and not isinstance(value, str | int | float | bool | type(None)):
        return str(value)
    return value


__all__ = ["BaseModel", "BeforeValidator", "ConfigDict", "Field", "SecretStr", "ValidationError",
           "field_validator", "model_validator"]
