"""The one bounded reader and the one atomic writer for every file and folder beredskab touches.

Plans, events and texts arrive from pull requests and forms, so a path may name a device
(``/dev/zero``), a FIFO that never delivers, or a sparse file of gigabytes whose ``stat``
says little. Reading therefore opens without blocking, insists on a regular file, and never
reads more than the limit plus one byte. Writing goes to a temporary file beside the target
and is renamed into place, so a crash or a full disk leaves the old file or the new one,
never half of one; a folder (the report) is built beside its target and swapped in.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import BinaryIO

from ._problems import problem_text as _

__all__ = [
    "FileProblem",
    "atomic_create",
    "atomic_tree",
    "atomic_write",
    "describe",
    "open_stream",
    "read_bounded",
    "read_stream_bounded",
]

_DISK_FULL = (errno.ENOSPC, errno.EDQUOT)

# the system's words for the commonest faults, as message ids (the C library's English), so the
# reason is in the command's language; any other fault keeps the system's own words
_OS_WORDS = {
    errno.ENOENT: "No such file or directory",
    errno.EACCES: "Permission denied",
    errno.EPERM: "Operation not permitted",
    errno.EISDIR: "Is a directory",
    errno.ENOTDIR: "Not a directory",
    errno.EROFS: "Read-only file system",
    errno.ENAMETOOLONG: "File name too long",
    errno.ELOOP: "Too many levels of symbolic links",
}


class FileProblem(OSError):
    """A file cannot be read or written as asked; ``reason`` says why in a few words.

    ``too_large`` is set when the only fault is the size (callers have their own codes
    for that). The reason never contains the file's content.
    """

    def __init__(self, reason: str, *, too_large: bool = False, disk_full: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.too_large = too_large
        self.disk_full = disk_full

    def __str__(self) -> str:
        return self.reason


def _os_reason(exc: OSError) -> FileProblem:
    if exc.errno in _DISK_FULL:
        return FileProblem(_("the disk is full (no space left on the device)"), disk_full=True)
    words = _OS_WORDS.get(exc.errno) if exc.errno is not None else None
    return FileProblem(_(words) if words else exc.strerror or type(exc).__name__)


def describe(exc: OSError) -> str:
    """What went wrong with a file, in a few words (a full disk said plainly)."""
    return exc.reason if isinstance(exc, FileProblem) else _os_reason(exc).reason


def _kind(mode: int) -> str:
    """What a path is that is not a regular file, in the current language (``_problems.current_lang``)."""
    if stat.S_ISDIR(mode):
        return _("a folder")
    if stat.S_ISFIFO(mode):
        return _("a FIFO (named pipe)")
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return _("a device")
    if stat.S_ISSOCK(mode):
        return _("a socket")
    return _("not a regular file")


def read_bounded(path: str | os.PathLike[str], limit: int) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes; FileProblem otherwise.

    Opened with ``O_NONBLOCK`` so that a FIFO cannot hang the open, checked on the open
    descriptor (no race with a swap of the path), and read to at most ``limit + 1`` bytes:
    a device or a sparse file never costs more memory than the limit.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise _os_reason(exc) from None
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise FileProblem(_("is {kind}, not a regular file").format(kind=_kind(mode)))
        chunks: list[bytes] = []
        remaining = limit + 1
        while remaining > 0:
            chunk = os.read(fd, min(remaining, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            remaining -= len(chunk)
    except OSError as exc:
        if isinstance(exc, FileProblem):
            raise
        raise _os_reason(exc) from None
    finally:
        os.close(fd)
    data = b"".join(chunks)
    if len(data) > limit:
        raise FileProblem(_("is larger than {limit} bytes").format(limit=limit), too_large=True)
    return data


def read_stream_bounded(stream: BinaryIO, limit: int) -> bytes:
    """At most ``limit`` bytes of an open stream (standard input); FileProblem past that."""
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise FileProblem(_("is larger than {limit} bytes").format(limit=limit), too_large=True)
    return data


def open_stream(path: str | os.PathLike[str]) -> BinaryIO:
    """A file or a FIFO opened to be read as a stream of lines (``--events``); FileProblem for a
    device, a socket or a folder, which are no stream of events (``/dev/zero`` never ends)."""
    try:
        mode = os.stat(path).st_mode
    except OSError as exc:
        raise _os_reason(exc) from None
    if not (stat.S_ISREG(mode) or stat.S_ISFIFO(mode)):
        raise FileProblem(_("is {kind}, not a file of events").format(kind=_kind(mode)))
    try:
        return open(path, "rb")  # the caller closes it (``with open_stream(...)``)
    except OSError as exc:
        raise _os_reason(exc) from None


@contextlib.contextmanager
def _temporary_beside(target: Path) -> Iterator[tuple[int, Path]]:
    """A new temporary file in the target's folder (a rename within one file system is atomic)."""
    import tempfile  # writing only: every command reads, few write

    try:
        fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as exc:
        raise _os_reason(exc) from None
    tmp = Path(name)
    try:
        yield fd, tmp
    finally:
        with contextlib.suppress(OSError):
            os.close(fd)
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]
    os.fsync(fd)  # the bytes are on disk before the name points at them


def _encode(data: str | bytes) -> bytes:
    return data.encode("utf-8") if isinstance(data, str) else data


def atomic_write(path: str | os.PathLike[str], data: str | bytes, *, mode: int = 0o644) -> None:
    """Write ``data`` (text as UTF-8) to ``path`` all at once: a temporary file, then a rename.

    The rename replaces the name itself, so a symbolic link at ``path`` is replaced, never
    written through. FileProblem (``disk_full`` set when the disk is full) otherwise.
    """
    target = Path(path)
    with _temporary_beside(target) as (fd, tmp):
        try:
            os.fchmod(fd, mode)
            _write_all(fd, _encode(data))
            os.replace(tmp, target)
        except OSError as exc:
            raise _os_reason(exc) from None


def atomic_create(files: Mapping[Path, str | bytes], *, mode: int = 0o644) -> None:
    """Create every file of ``files`` or none: each is written in full first, then linked to its
    name only if nothing (not even a dangling symbolic link) has that name. FileProblem otherwise;
    files created before a failure are removed again."""
    created: list[Path] = []
    try:
        with contextlib.ExitStack() as stack:
            ready: list[tuple[Path, Path]] = []
            for path, data in files.items():
                target = Path(path)
                fd, tmp = stack.enter_context(_temporary_beside(target))
                try:
                    os.fchmod(fd, mode)
                    _write_all(fd, _encode(data))
                except OSError as exc:
                    raise _os_reason(exc) from None
                ready.append((tmp, target))
            for tmp, target in ready:
                try:
                    # link(2) refuses an existing name, even a dangling link: no check-then-write race
                    os.link(tmp, target, follow_symlinks=False)
                except FileExistsError:
                    raise FileProblem(_("{target} exists; nothing was written").format(target=target)) from None
                except OSError as exc:
                    raise _os_reason(exc) from None
                created.append(target)
    except BaseException:
        for target in created:
            with contextlib.suppress(OSError):
                target.unlink()
        raise


# --- folders ---------------------------------------------------------------------------------

_RENAME_EXCHANGE = 2  # linux/fs.h


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one step with renameat2(RENAME_EXCHANGE); False where the system cannot."""
    import ctypes  # a folder replaced in place only

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd = -100
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP):
        return False  # an old kernel or a file system without it: two renames instead
    raise _os_reason(OSError(code, os.strerror(code)))


def _staging_prefix(target: Path) -> str:
    return f".{target.name}.beredskab-"


def _remove_stale_staging(target: Path) -> None:
    """Folders a killed earlier run left beside the target (their process is gone)."""
    import shutil

    with contextlib.suppress(OSError):
        for entry in target.parent.iterdir():
            name = entry.name
            if not name.startswith(_staging_prefix(target)):
                continue
            pid = name.removeprefix(_staging_prefix(target)).split("-", 1)[0]
            if pid.isdigit() and not _alive(int(pid)):
                shutil.rmtree(entry, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def atomic_tree(target: str | os.PathLike[str], files: Mapping[str, str | bytes], *, marker: str) -> list[Path]:
    """Make the folder ``target`` hold exactly ``files`` (relative paths), swapped in whole.

    The new folder is written beside the target and exchanged with it in one rename where
    the system allows (Linux ``renameat2``), otherwise by two renames, so ``target`` is at
    every moment the whole old folder or the whole new one. ``marker`` names a file written
    into every such folder: an existing non-empty folder without it was not made by this
    writer and is refused (FileProblem) rather than replaced.
    """
    dest = Path(target)
    parent = dest.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _os_reason(exc) from None
    if dest.exists() or dest.is_symlink():
        if dest.is_symlink() or not dest.is_dir():
            raise FileProblem(_("{path} exists and is not a folder").format(path=dest))
        if any(dest.iterdir()) and not (dest / marker).is_file():
            raise FileProblem(
                _(
                    "{path} is a folder that was not written by beredskab; it is replaced whole, so choose "
                    "a new or empty folder"
                ).format(path=dest)
            )
    import shutil
    import tempfile

    _remove_stale_staging(dest)
    try:
        staging = Path(tempfile.mkdtemp(prefix=f"{_staging_prefix(dest)}{os.getpid()}-", dir=parent))
    except OSError as exc:
        raise _os_reason(exc) from None
    try:
        written = []
        for rel, data in {**files, marker: ""}.items():
            path = staging / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o644)
            try:
                _write_all(fd, _encode(data))
            finally:
                os.close(fd)
            if rel != marker:
                written.append(dest / rel)
        os.chmod(staging, 0o755)  # mkdtemp makes it private; the site is meant to be read
        if not dest.exists():
            os.rename(staging, dest)
        elif not _exchange(staging, dest):
            old = staging.with_name(staging.name + "-old")
            os.rename(dest, old)
            os.rename(staging, dest)
            staging = old
        return written
    except OSError as exc:
        raise (exc if isinstance(exc, FileProblem) else _os_reason(exc)) from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
