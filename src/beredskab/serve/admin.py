"""The admin token: where the operator sets it, and how a request proves it holds it.

The admin endpoints change what the service does for everyone (a reload swaps the plans
and costs the loop ~0.1 s), so they answer only a caller holding a secret the operator set:
from a file (``--admin-token-file``) or the environment (``BEREDSKAB_ADMIN_TOKEN``). Without
one they are disabled. The token is sent as ``Authorization: Bearer <token>``: a header a web
page cannot add to a cross-site request without a CORS preflight this service never grants.

No message here ever quotes the token or what a caller sent in its place.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import stat
from collections.abc import Mapping, Sequence
from typing import Literal

from .._files import FileProblem, describe, read_bounded

__all__ = [
    "ADMIN_TOKEN_ENV",
    "MAX_TOKEN_BYTES",
    "MIN_TOKEN_CHARS",
    "AdminTokenError",
    "bearer_check",
    "read_admin_token",
    "token_digest",
]

ADMIN_TOKEN_ENV = "BEREDSKAB_ADMIN_TOKEN"
MAX_TOKEN_BYTES = 4096  # a token is a line; a bigger file is a mistake (a key file, a log), never read whole
MIN_TOKEN_CHARS = 16  # shorter could be guessed over the network; 32 random bytes make 43 characters
_HOW = "e.g. python -c 'import secrets; print(secrets.token_urlsafe(32))'"


class AdminTokenError(ValueError):
    """The token the operator set cannot be used; the message says why, never what it holds."""


def read_admin_token(path: str | os.PathLike[str] | None, environ: Mapping[str, str]) -> tuple[str | None, list[str]]:
    """The admin token from ``path`` (first) or ``$BEREDSKAB_ADMIN_TOKEN``, stripped; None when neither is set.

    Returns the token and warnings (a token file others can read). AdminTokenError if the
    file cannot be read, is over 4 KiB, or the token is not 16-4096 visible ASCII characters.
    """
    warnings: list[str] = []
    if path is not None:
        where = f"the admin token file {os.fspath(path)}"
        try:
            # the one bounded reader: a regular file only, never more than the limit and one byte
            data = read_bounded(path, MAX_TOKEN_BYTES)
            mode = os.stat(path).st_mode
        except FileProblem as exc:
            if exc.too_large:
                raise AdminTokenError(f"{where} is over {MAX_TOKEN_BYTES} bytes; it should hold one token") from None
            raise AdminTokenError(f"{where} cannot be read: {exc.reason}") from None
        except OSError as exc:
            raise AdminTokenError(f"{where} cannot be read: {describe(exc)}") from None
        if mode & (stat.S_IRWXG | stat.S_IRWXO):
            warnings.append(f"{where} can be read by other users: chmod 600 {os.fspath(path)}")
        raw = data
    elif environ.get(ADMIN_TOKEN_ENV) is not None:
        where = f"${ADMIN_TOKEN_ENV}"
        raw = environ[ADMIN_TOKEN_ENV].encode("utf-8", "surrogateescape")
        if len(raw) > MAX_TOKEN_BYTES:
            raise AdminTokenError(f"{where} is over {MAX_TOKEN_BYTES} bytes; it should hold one token")
    else:
        return None, warnings
    token = raw.strip()
    # visible ASCII only: what an Authorization header can carry unchanged (no spaces, no
    # line breaks, no encoding that a client and this service could disagree on)
    if not token or any(b < 0x21 or b > 0x7E for b in token):
        raise AdminTokenError(f"{where} must hold one token of visible ASCII characters, no spaces ({_HOW})")
    if len(token) < MIN_TOKEN_CHARS:
        raise AdminTokenError(f"{where} holds a token under {MIN_TOKEN_CHARS} characters ({_HOW})")
    return token.decode("ascii"), warnings


def token_digest(token: str) -> bytes:
    """What the app keeps of the token: its SHA-256, so no object of the app holds the token itself."""
    return hashlib.sha256(token.encode("utf-8")).digest()


def bearer_check(authorization: Sequence[bytes], digest: bytes) -> Literal["ok", "missing", "invalid"]:
    """Whether the ``Authorization`` header values (raw bytes, as sent) carry the token whose digest is given.

    "missing": no single ``Bearer`` credential; "invalid": one that is not the token. The
    comparison is of two SHA-256 digests with ``hmac.compare_digest``: constant time, and
    of equal length whatever was sent, so neither the token nor its length leaks by timing.
    """
    if len(authorization) != 1:
        return "missing"
    scheme, _, credentials = authorization[0].strip().partition(b" ")
    credentials = credentials.strip()
    if scheme.lower() != b"bearer" or not credentials:
        return "missing"
    sent = hashlib.sha256(credentials).digest()
    return "ok" if hmac.compare_digest(sent, digest) else "invalid"
