"""``beredskab serve --workers N``: N processes on one listening socket, each with its own copy of the plans.

uvicorn's supervisor (``uvicorn.supervisors.Multiprocess``) starts the workers with the
``spawn`` method, so a worker shares nothing with the parent but what it is handed: the
socket, uvicorn's Config (pickled), and the environment. The app's configuration goes in
the environment as JSON (``BEREDSKAB_SERVE_CONFIG``), and ``app_from_env`` (the factory
uvicorn calls in each worker) rebuilds the app from it. The admin token is never in it:
only its SHA-256, which is all the app keeps anyway.

What the workers share is one temporary directory the parent makes and removes:

* ``metrics/``: prometheus_client's multiprocess files (``PROMETHEUS_MULTIPROC_DIR``), so a
  scrape of any worker reports all of them;
* ``reload-epoch``: a worker whose reload succeeds rewrites it, and every worker stats it at
  most once a second as a request arrives, reloading when it changed (``PlanStore.follow``).
  So ``POST /admin/reload`` through any worker reaches all of them within about a second of
  their next request. SIGHUP to the parent is uvicorn's: a rolling restart of the workers,
  each loading the plans anew; a worker that cannot (a plan with a problem) is not brought
  into service and the old ones go on serving.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from starlette.applications import Starlette

from .app import create_app
from .observe import MULTIPROC_ENV
from .server import Limits, install_log_guards, set_worker_limits

__all__ = ["CONFIG_ENV", "FACTORY", "WorkerConfig", "app_from_env", "shared_dir"]

CONFIG_ENV = "BEREDSKAB_SERVE_CONFIG"
FACTORY = f"{__name__}:app_from_env"


@dataclass(frozen=True)
class WorkerConfig:
    """What a worker needs to build the app; JSON in ``$BEREDSKAB_SERVE_CONFIG``."""

    paths: list[str]
    admin_digest: str | None = None  # hex SHA-256 of the admin token
    read_timeout: float = 10.0
    max_connections: int = 256  # this worker's share of --max-connections
    decision_log: str | None = None
    cors_origins: list[str] = field(default_factory=list)
    epoch_file: str | None = None

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str) -> WorkerConfig:
        data: dict[str, Any] = json.loads(text)
        return cls(**data)


def app_from_env() -> Starlette:
    """The factory uvicorn calls in each worker: the app from ``$BEREDSKAB_SERVE_CONFIG``."""
    config = WorkerConfig.from_json(os.environ[CONFIG_ENV])
    set_worker_limits(Limits(read_timeout=config.read_timeout, max_connections=config.max_connections))
    install_log_guards()
    return create_app(
        config.paths,
        admin_digest=bytes.fromhex(config.admin_digest) if config.admin_digest else None,
        read_timeout=config.read_timeout,
        decision_log=config.decision_log,
        cors_origins=config.cors_origins,
        epoch_file=config.epoch_file,
    )


@contextmanager
def shared_dir() -> Iterator[Path]:
    """The workers' temporary directory (metrics, reload epoch), with ``PROMETHEUS_MULTIPROC_DIR`` set; removed after."""
    root = Path(tempfile.mkdtemp(prefix="beredskab-serve-"))
    metrics = root / "metrics"
    metrics.mkdir()
    (root / "reload-epoch").write_text("0\n", encoding="ascii")
    before = os.environ.get(MULTIPROC_ENV)
    os.environ[MULTIPROC_ENV] = str(metrics)
    try:
        yield root
    finally:
        if before is None:
            os.environ.pop(MULTIPROC_ENV, None)
        else:
            os.environ[MULTIPROC_ENV] = before
        shutil.rmtree(root, ignore_errors=True)


def worker_config(
    paths: Sequence[str],
    root: Path,
    *,
    admin_digest: bytes | None,
    read_timeout: float,
    max_connections: int,
    decision_log: str | None,
    cors_origins: Sequence[str],
) -> WorkerConfig:
    return WorkerConfig(
        # absolute: a worker resolves nothing against a directory it was not told of
        paths=[os.path.abspath(p) for p in paths],
        admin_digest=admin_digest.hex() if admin_digest is not None else None,
        read_timeout=read_timeout,
        max_connections=max_connections,
        decision_log=os.path.abspath(decision_log) if decision_log not in (None, "-") else decision_log,
        cors_origins=list(cors_origins),
        epoch_file=str(root / "reload-epoch"),
    )
