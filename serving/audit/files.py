"""An audit on disk: ``audit.json`` (everything), and CSV files a spreadsheet opens.

Written to ``--out`` (default ``runs/audit``), like ``churn score`` writes its files:
``audit.json`` (the :class:`~serving.audit.result.AuditResult`), ``figures.csv`` (one row
per model version and group), ``calibration.csv`` (one row per group and band),
``counted_scores.csv`` (every counted score with its renewal: the audit can be recomputed
from it), ``healthy_before_churn.csv`` and ``flagged_but_renewed.csv``.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from serving.audit.errors import AuditError
from serving.audit.result import AuditResult, GroupFigures, ListedRenewal, VersionAudit
from serving.audit.run import Audit

DEFAULT_OUT = Path("runs/audit")

_LISTED_FIELDS = tuple(ListedRenewal.model_fields)

FILES = (
    "audit.json",
    "figures.csv",
    "calibration.csv",
    "counted_scores.csv",
    "healthy_before_churn.csv",
    "flagged_but_renewed.csv",
)


def write_audit(audit: Audit, out: Path = DEFAULT_OUT) -> dict[str, Path]:
    """Write the audit's files into ``out`` (created); returns them by name."""
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise AuditError(f"cannot create audit folder {out}: {error}") from error
    files = {name: out / name for name in FILES}
    result = audit.result
    files["audit.json"].write_text(result.model_dump_json(indent=2) + "\n", encoding="utf-8")
    figures_frame(result).to_csv(files["figures.csv"], index=False)
    calibration_frame(result).to_csv(files["calibration.csv"], index=False)
    audit.counted.rows.to_csv(files["counted_scores.csv"], index=False)
    for name, key in (
        ("healthy_before_churn.csv", "healthy_before_churn"),
        ("flagged_but_renewed.csv", "flagged_but_renewed"),
    ):
        listed_frame(result, key).to_csv(files[name], index=False)
    return files


def groups(version: VersionAudit) -> list[tuple[str, GroupFigures]]:
    """``(breakdown, figures)`` of a version: ``all``, then each lead bucket, then segments."""
    return [
        ("all", version.overall),
        *(("lead", g) for g in version.by_lead),
        *(("segment", g) for g in version.by_segment),
    ]


def figures_frame(result: AuditResult) -> pd.DataFrame:
    """One row per model version and group, without the bands."""
    rows = [
        {
            "model_version": version.model_version,
            "breakdown": breakdown,
            **figures.model_dump(exclude={"bands"}),
        }
        for version in result.versions
        for breakdown, figures in groups(version)
    ]
    return pd.DataFrame(rows)


def calibration_frame(result: AuditResult) -> pd.DataFrame:
    """One row per model version, group and band."""
    rows = [
        {
            "model_version": version.model_version,
            "breakdown": breakdown,
            "group": figures.group,
            **band.model_dump(),
        }
        for version in result.versions
        for breakdown, figures in groups(version)
        for band in figures.bands
    ]
    return pd.DataFrame(rows)


def listed_frame(result: AuditResult, key: str) -> pd.DataFrame:
    """One list (``healthy_before_churn`` or ``flagged_but_renewed``) of every version."""
    rows = []
    for version in result.versions:
        for item in getattr(version, key):
            row = {"model_version": version.model_version, **item.model_dump(exclude={"drivers"})}
            for i in range(3):
                row[f"driver_{i + 1}"] = item.drivers[i] if i < len(item.drivers) else None
            rows.append(row)
    columns = [
        "model_version",
        *(n for n in _LISTED_FIELDS if n != "drivers"),
        "driver_1",
        "driver_2",
        "driver_3",
    ]
    return pd.DataFrame(rows, columns=columns)
