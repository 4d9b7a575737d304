"""Stored content validated once per application rather than on every request."""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from pydantic import BaseModel

Model = TypeVar("Model", bound=BaseModel)


class ValidatedVersions(Generic[Model]):
    """What the body of each stored version validates to. Keyed by the version and its
    content hash, so that an imported change is picked up by every worker at once."""

    def __init__(self, model: type[Model]) -> None:
        self._model = model
        self._validated: dict[tuple[object, str], Model] = {}

    def get(self, version: object, content_hash: str, body: Any) -> Model:
        key = (version, content_hash)
        validated = self._validated.get(key)
        if validated is None:
            validated = self._validated[key] = self._model.model_validate(body)
        return validated
