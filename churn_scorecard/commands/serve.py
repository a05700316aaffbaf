"""``churn serve``: the BentoML service on the champion model (and optionally a data source)."""

from __future__ import annotations

import os
import sys
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer

from churn_scorecard.console import console

SERVICE = "serving.service:ChurnScorecard"
"""The BentoML service ``churn serve`` runs (also the ``service`` of bentofile.yaml)."""


def serve(
    data: Annotated[
        Path | None,
        typer.Option(
            help="Data directory, DuckDB file or postgresql:// URL; enables /score_accounts and /explain by id."
        ),
    ] = None,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 3000,
    model: Annotated[
        str,
        typer.Option(
            help="MLflow URI of the model: an alias (picked up when it moves) or a version."
        ),
    ] = "models:/churn-scorecard@champion",
    tracking_uri: Annotated[
        str | None,
        typer.Option(
            help="MLflow tracking URI (default: $MLFLOW_TRACKING_URI, then sqlite:///models/mlflow.db)."
        ),
    ] = None,
    history: Annotated[
        str | None,
        typer.Option(
            help="History store for /history and score changes: a DuckDB path or postgresql:// URL."
        ),
    ] = None,
    api_key_env: Annotated[
        str | None,
        typer.Option(
            help="Name of the environment variable holding the API key clients must send."
        ),
    ] = None,
    as_of: Annotated[
        datetime | None,
        typer.Option(
            help="Default as_of of /score_accounts (UTC; default: when the service starts)."
        ),
    ] = None,
    max_batch: Annotated[int, typer.Option(min=1, help="Most records or ids per request.")] = 5000,
    reload_interval: Annotated[
        float,
        typer.Option(
            min=0, help="Seconds between checks of the model alias (0: only on POST /admin/reload)."
        ),
    ] = 60.0,
) -> None:
    """Serve scores, explanations and history over HTTP (BentoML); Ctrl-C stops it.

    Endpoints, auth and reload are described in docs/service.md; the API docs are at the
    service's root URL.
    """
    from serving.api.model_holder import ModelHolder
    from serving.api.settings import ServiceSettings
    from training.config import TrainingConfig, resolve_tracking_uri

    if data is not None and not str(data).startswith("postgresql:") and not data.exists():
        from serving.api.errors import ServiceConfigError

        raise ServiceConfigError(
            f"--data {data} does not exist; point it at a data directory, DuckDB file or postgresql:// URL"
        )
    settings = ServiceSettings(
        data=data.resolve() if data else None,
        model=model,
        history=history,
        api_key_env=api_key_env,
        max_batch=max_batch,
        reload_interval=reload_interval,
        as_of=as_of,
    )
    settings.api_key()  # fails now, with a clear message, if the key variable is unset
    tracking = resolve_tracking_uri(TrainingConfig(), tracking_uri)
    version = ModelHolder(settings.model, lambda uri: None, tracking).current.version
    env = {**os.environ, **settings.to_env(), "MLFLOW_TRACKING_URI": tracking}
    env.setdefault("BENTOML_DO_NOT_TRACK", "True")
    url = f"http://{host}:{port}"
    key_header = f' -H "X-API-Key: ${api_key_env}"' if api_key_env else ""
    console.print(
        f"Serving [bold]{model}[/bold] (version {version}) on [bold]{url}[/bold]; API docs at {url}/\n"
        f"Try: curl -s{key_header} {url}/model"
    )
    sys.stdout.flush()
    command = [
        sys.executable,
        "-m",
        "bentoml",
        "serve",
        SERVICE,
        "--host",
        host,
        "--port",
        str(port),
    ]
    os.execve(sys.executable, command, env)
