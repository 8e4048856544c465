"""The HTTP service (``beredskab serve``): checked plans behind a Starlette app; needs the ``serve`` extra."""

from __future__ import annotations

from .app import PlanStore, create_app, store_of

__all__ = ["PlanStore", "create_app", "store_of"]
