"""docs/training.md documents every training config key and every public name."""

from pathlib import Path

from pydantic import BaseModel

import training
from training.config import TrainingConfig

DOC = (Path(__file__).resolve().parents[2] / "docs" / "training.md").read_text()


def _keys(model: type[BaseModel], prefix: str = "") -> list[str]:
    keys = []
    for name, field in model.model_fields.items():
        annotation = field.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            keys += _keys(annotation, f"{prefix}{name}.")
        else:
            keys.append(f"{prefix}{name}")
    return keys


def test_docs_list_every_training_config_key():
    missing = [key for key in _keys(TrainingConfig) if f"`{key}`" not in DOC]
    assert not missing


def test_training_exports_every_public_name():
    for name in training.__all__:
        assert getattr(training, name) is not None
