"""docs/service.md documents every option of ``churn serve`` and every endpoint."""

from __future__ import annotations

from pathlib import Path

import typer

from churn_scorecard.cli import app

DOC = (Path(__file__).resolve().parents[3] / "docs" / "service.md").read_text()


def test_every_churn_serve_option_is_documented() -> None:
    command = typer.main.get_command(app).commands["serve"]
    options = [o for p in command.params for o in p.opts if o.startswith("--")]
    assert options
    assert [o for o in options if f"`{o}" not in DOC] == []


def test_every_endpoint_is_documented() -> None:
    from serving.service import ChurnScorecard

    routes = [api.route for api in ChurnScorecard.apis.values()] + ["/model", "/audit", "/metrics"]
    assert [
        r
        for r in routes
        if f"`POST {r}`" not in DOC and f"`GET {r}`" not in DOC and f"**`{r}`**" not in DOC
    ] == []
