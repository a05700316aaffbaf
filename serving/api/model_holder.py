"""The served model and how a new champion replaces it without dropping a request.

The holder resolves the alias (``models:/<name>@champion``) to a version number, loads
that exact version, and swaps one reference to the new :class:`LoadedModel` only once it
is fully loaded. A request reads :attr:`ModelHolder.current` once and uses that object to
the end, so requests in flight finish on the model they started with. A reload is
triggered by a periodic alias check (a daemon thread) or by ``POST /admin/reload``.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from mlflow import MlflowClient
from mlflow.exceptions import MlflowException

from serving.api.errors import ServiceConfigError

logger = logging.getLogger("churn_scorecard.service")

_REGISTRY_URI = re.compile(r"^models:/(?P<name>[^/@]+)(?:@(?P<alias>[^/]+)|/(?P<version>\d+))$")


@dataclass(frozen=True)
class LoadedModel:
    """One loaded model version and the scorer built from it."""

    name: str
    version: str
    uri: str
    scorer: Any
    loaded_at: datetime = field(default_factory=lambda: datetime.now(UTC))


@dataclass(frozen=True)
class ReloadOutcome:
    """What a reload did: whether the model changed, from which version to which."""

    reloaded: bool
    previous_version: str
    model_version: str
    reason: str


class ModelHolder:
    """Holds the current model; :meth:`reload` swaps in the alias's version when it moved."""

    def __init__(
        self, model_uri: str, load_scorer: Callable[[str], Any], tracking_uri: str | None = None
    ) -> None:
        match = _REGISTRY_URI.match(model_uri)
        if match is None:
            raise ServiceConfigError(
                f"model URI {model_uri!r} is not a registered model; expected "
                "models:/<name>@<alias> or models:/<name>/<version>"
            )
        self.model_uri = model_uri
        self.name = match["name"]
        self._alias = match["alias"]
        self._pinned = match["version"]
        self._load_scorer = load_scorer
        self._tracking_uri = tracking_uri
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self.reloads = 0
        self.current = self._load(self.resolve_version())

    def resolve_version(self) -> str:
        """The version the URI points at now (asks the registry when it names an alias)."""
        if self._pinned:
            return self._pinned
        try:
            return str(
                MlflowClient(self._tracking_uri)
                .get_model_version_by_alias(self.name, self._alias)
                .version
            )
        except MlflowException as error:
            raise ServiceConfigError(
                f"cannot resolve {self.model_uri}: {error.message}; train a model with "
                "`churn train` or point MLFLOW_TRACKING_URI at the store that has it"
            ) from None

    def reload(self, force: bool = False) -> ReloadOutcome:
        """Load the version the alias points at if it differs from the served one (or ``force``)."""
        with self._lock:
            previous = self.current
            version = self.resolve_version()
            if version == previous.version and not force:
                return ReloadOutcome(False, previous.version, version, "the alias has not moved")
            self.current = self._load(version)
            self.reloads += 1
            logger.info(
                "model %s: now serving version %s (was %s)", self.name, version, previous.version
            )
            return ReloadOutcome(
                True, previous.version, version, f"loaded version {version} of {self.name}"
            )

    def watch(self, interval: float) -> threading.Thread | None:
        """Check the alias every ``interval`` seconds in a daemon thread (0: never)."""
        if interval <= 0 or self._pinned:
            return None
        thread = threading.Thread(
            target=self._watch, args=(interval,), daemon=True, name="model-alias-watch"
        )
        thread.start()
        return thread

    def stop(self) -> None:
        """End the periodic check."""
        self._stop.set()

    def _watch(self, interval: float) -> None:
        while not self._stop.wait(interval):
            try:
                self.reload()
            except Exception as error:  # a failed check must never stop the service
                logger.warning(
                    "model alias check failed, still serving version %s: %s",
                    self.current.version,
                    error,
                )

    def _load(self, version: str) -> LoadedModel:
        uri = f"models:/{self.name}/{version}"
        started = time.perf_counter()
        scorer = self._load_scorer(uri)
        logger.info("loaded %s in %.1f s", uri, time.perf_counter() - started)
        return LoadedModel(name=self.name, version=version, uri=uri, scorer=scorer)
