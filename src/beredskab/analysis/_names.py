"""What a file is by its name, without loading what reads it (``validate`` of plans needs no examples format)."""

from __future__ import annotations

from pathlib import Path

from ..loader import EXAMPLES_SUFFIX

__all__ = ["is_examples_file"]


def is_examples_file(path: Path) -> bool:
    """A routing examples file by its name (``*.examples.yaml``, ``*.examples.yml``)."""
    return path.name.endswith((EXAMPLES_SUFFIX, ".examples.yml"))
