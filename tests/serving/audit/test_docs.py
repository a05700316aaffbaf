"""docs/audit.md matches the code: every option, setting, figure, file and error is in it."""

from __future__ import annotations

from pathlib import Path

import typer

import serving.audit as audit_package
from churn_scorecard.cli import app
from serving.audit import FILES, AuditConfig, AuditError, GroupFigures

DOC = (Path(__file__).resolve().parents[3] / "docs" / "audit.md").read_text()
README = (Path(__file__).resolve().parents[3] / "README.md").read_text()


def test_docs_list_every_churn_audit_option():
    command = typer.main.get_command(app).commands["audit"]
    options = [o for p in command.params for o in p.opts if o.startswith("--")]
    assert len(options) == 7
    assert [o for o in options if f"`{o}" not in DOC] == []


def test_docs_list_every_setting_figure_and_file():
    assert [k for k in AuditConfig.model_fields if f"{k}:" not in DOC] == []
    figures = [f for f in GroupFigures.model_fields if f not in ("group",)]
    assert [f for f in figures if f"`{f}`" not in DOC] == []
    assert [f for f in FILES if f"`{f}`" not in DOC] == []


def test_docs_list_every_error():
    errors = [
        name
        for name in audit_package.__all__
        if isinstance(getattr(audit_package, name), type)
        and issubclass(getattr(audit_package, name), AuditError)
        and name != "AuditError"
    ]
    assert len(errors) == 4
    assert [e for e in errors if f"`{e}`" not in DOC] == []


def test_readme_links_the_audit_docs():
    assert "(docs/audit.md)" in README
