"""Reading plan files: the file system and the YAML reader; :func:`~beredskab.plan.build_plan` does the rest.

Pure I/O: which files a path names (a slug among them), their text or a git revision's
(``REV:PATH`` via ``git show``), and one PlanError for all the problems of a folder.
Checking and compiling happen in ``plan.py``.

A file in an older format version is carried to the current one as it is read
(:mod:`.spec.migrate`), with an info problem BK009 in the document's ``notes``. Reading for
comparison (a git revision, the sides of ``diff``, ``compare``, ``report --previous``) also
carries the 1-legacy shape forward; the authoring path (``load_plan``, ``validate``) does
not, so a plan written today that is cited and assumed at once stays an error.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from ._errors import PlanError
from ._problems import Problem
from ._problems import problem_text as _
from .plan import Plan, build_plan
from .spec import _yaml
from .spec import migrate as _migrate

__all__ = [
    "EXAMPLES_SUFFIX",
    "GIT_TIMEOUT",
    "INSTALLED_PLANS",
    "PLAN_SEARCH_ORDER",
    "display_path",
    "is_revision",
    "load_plan",
    "load_plan_set",
    "load_plan_source",
    "load_plans",
    "migrate_document",
    "plan_files",
    "read_document",
    "read_revision",
    "resolve_plan_path",
]

EXAMPLES_SUFFIX = ".examples.yaml"


def display_path(path: Path) -> str:
    """``path`` relative to the working folder when it is inside it (as problems show it)."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


INSTALLED_PLANS = Path(__file__).resolve().parent / "plans"
"""The plans shipped with the package (the repository's ``plans/``)."""

PLAN_SEARCH_ORDER = (
    "PLAN is a file path if it names one (or ends in .yaml/.yml); otherwise a slug, looked up "
    "as ./plans/<slug>.yaml in the working folder, then among the plans installed with beredskab."
)


def resolve_plan_path(text: str) -> Path:
    """A plan file path as given, or a slug: ``plans/<slug>.yaml`` in the working folder, then
    the plans installed with the package (:data:`PLAN_SEARCH_ORDER`)."""
    p = Path(text)
    if p.exists() or p.suffix in (".yaml", ".yml") or "/" in text or "\\" in text:
        return p
    for folder in (Path("plans"), INSTALLED_PLANS):
        candidate = folder / f"{text}.yaml"
        if candidate.is_file():
            return candidate
    return p


def read_document(path: str | Path, display: str | None = None, *, legacy: bool = False) -> _yaml.YamlDocument:
    """One YAML file, read safely with positions; PlanError for size, encoding and syntax.

    An older format version is migrated (:func:`migrate_document`); the 1-legacy shape only
    with ``legacy`` (reading history, not authoring)."""
    p = Path(path)
    shown = display or display_path(p)
    try:
        document = _yaml.load_document(p, shown)
    except _yaml.YamlProblems as exc:
        raise PlanError(exc.problems, shown) from None
    return migrate_document(document, legacy=legacy)


def migrate_document(document: _yaml.YamlDocument, *, legacy: bool = True) -> _yaml.YamlDocument:
    """``document`` with its data carried to the current format version, and a BK009 note
    saying from which version; as it is when it is current.

    Positions stay those of the file as written: a migrated value is shown where the old
    file has it (a moved ``source`` at its note's place)."""
    migration = _migrate.migrate(document.data, legacy=legacy)
    if not migration.migrated:
        return document
    document.data = migration.data
    line, col = document.position(("format",))
    first = migration.steps[0]
    message = _(
        "written in format {version} (before commit {commit}, {date}), read as format {current}: {count} "
        "value(s) carried forward"
    ).format(
        version=migration.source,
        commit=first.commit,
        date=first.date,
        current=_migrate.CURRENT,
        count=len(migration.changes),
    )
    hint = _("run `beredskab migrate {file}` to write it in the current format").format(file=document.file)
    document.notes.append(Problem.of("BK009", file=document.file, line=line, col=col, message=message, hint=hint))
    return document


def load_plan(path: str | Path) -> Plan:
    """Load, check and compile one plan file. Raises :class:`beredskab.PlanError`."""
    p = Path(path)
    if p.is_dir():
        message = _("is a folder; use load_plans() for folders")
        raise PlanError([Problem.of("BK000", file=display_path(p), message=message)])
    return build_plan(read_document(p))


def plan_files(paths: Iterable[str | Path]) -> list[Path]:
    """Plan files named or found (``*.yaml``/``*.yml``, not examples) under ``paths``, sorted."""
    out: list[Path] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            out.extend(
                f
                for f in sorted(p.iterdir())
                if f.is_file() and f.suffix in (".yaml", ".yml") and not f.name.endswith(EXAMPLES_SUFFIX)
            )
        else:
            out.append(p)
    return out


def load_plans(directory: str | Path | None = None) -> dict[str, Plan]:
    """Every plan in a folder (default: the plans installed with beredskab), by slug.

    One PlanError lists the problems of all bad files."""
    d = Path(directory) if directory is not None else INSTALLED_PLANS
    if not d.is_dir():
        raise PlanError([Problem.of("BK000", file=display_path(d), message=_("not a folder"))])
    return load_plan_set([d], display_path(d))


def load_plan_set(paths: Iterable[str | Path], shown: str | None = None) -> dict[str, Plan]:
    """Every plan named or found under ``paths``, by slug; one PlanError for all bad files
    and for a slug used twice (BK206)."""
    plans: dict[str, Plan] = {}
    where: dict[str, str] = {}
    problems: list[Problem] = []
    for f in plan_files(paths):
        try:
            plan = load_plan(f)
        except PlanError as exc:
            problems.extend(exc.problems)
            continue
        slug = plan.municipality.slug
        if slug in plans:
            message = _("slug {slug} is already used by {file}").format(slug=repr(slug), file=where[slug])
            problems.append(Problem.of("BK206", file=display_path(f), message=message))
            continue
        plans[slug] = plan
        where[slug] = display_path(f)
    if problems:
        raise PlanError(problems, shown)
    return plans


# --- plans from git revisions (beredskab diff, graph --diff, report --previous) -------------

GIT_TIMEOUT = 30.0
"""Seconds ``git show`` may take before a revision is given up as unreadable."""


def _git_error(spec: str, message: str) -> PlanError:
    return PlanError([Problem.of("BK000", file=spec, message=message)], spec)


def is_revision(text: str) -> bool:
    """``REV:PATH`` (and not a file that happens to contain a colon)."""
    rev, sep, path = text.partition(":")
    return bool(sep and rev and path) and not Path(text).exists()


def _run_git_show(spec: str) -> tuple[int, bytes, bytes]:
    """``git show`` of one blob: exit code, at most ``MAX_BYTES + 1`` bytes of it, and the first
    line or so of git's complaint. Killed after :data:`GIT_TIMEOUT` seconds."""
    import subprocess  # git revisions only: reading a plan file needs no processes (issue 21)
    import tempfile
    import threading

    # --end-of-options: whatever the caller wrote is a revision, never an option of git's
    # (``--output=FILE`` would write a file); --no-textconv: no filter the repository configures
    # runs on the blob
    command = ["git", "show", "--no-textconv", "--no-ext-diff", "--end-of-options", spec]
    with tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=err)
        assert proc.stdout is not None
        expired = threading.Event()

        def give_up() -> None:
            expired.set()
            proc.kill()

        timer = threading.Timer(GIT_TIMEOUT, give_up)
        timer.start()
        try:
            # never more than the plan limit plus one byte, however large the blob
            out = proc.stdout.read(_yaml.MAX_BYTES + 1)
            if len(out) > _yaml.MAX_BYTES:
                proc.kill()
            proc.stdout.close()
            code = proc.wait()
        finally:
            timer.cancel()
        err.seek(0)
        complaint = err.read(4096)
    if expired.is_set():
        raise subprocess.TimeoutExpired(command, GIT_TIMEOUT)
    return code, out, complaint


def read_revision(spec: str) -> _yaml.YamlDocument:
    """``REV:PATH`` read with ``git show`` (PATH as git reads it: from the repository's top, or
    from the working folder when it starts with ``./``), bounded and parsed like a file."""
    import subprocess

    if spec.startswith("-"):
        raise _git_error(spec, _("a git revision cannot start with '-'; name a branch, tag or commit"))
    try:
        code, out, complaint = _run_git_show(spec)
    except FileNotFoundError:
        raise _git_error(spec, _("cannot read a git revision: git is not installed")) from None
    except subprocess.TimeoutExpired:
        raise _git_error(
            spec, _("git show did not answer in {seconds} s").format(seconds=f"{GIT_TIMEOUT:.0f}")
        ) from None
    if code != 0 and len(out) <= _yaml.MAX_BYTES:
        why = complaint.decode("utf-8", "replace").strip().splitlines()
        reason = why[0].removeprefix("fatal: ") if why else _("git show exited with {code}").format(code=code)
        raise _git_error(spec, _("cannot read the revision: {reason}").format(reason=reason))
    try:
        document = _yaml.parse_text(_yaml.decode(out, spec), spec)
    except _yaml.YamlProblems as exc:
        raise PlanError(exc.problems, spec) from None
    # a revision is history: it is read in the format it was written in, whatever that was
    return migrate_document(document, legacy=True)


def load_plan_source(side: Plan | str | Path) -> tuple[Plan, str]:
    """A plan and where it came from: a Plan as it is, a file, a slug (``plans/<slug>.yaml``),
    or ``REV:PATH`` from git. Raises :class:`beredskab.PlanError`."""
    if isinstance(side, Plan):
        return side, side.source_file or side.slug
    text = str(side)
    if isinstance(side, str) and is_revision(text):
        return build_plan(read_revision(text)), text
    path = resolve_plan_path(text) if isinstance(side, str) else Path(side)
    if path.is_dir():
        return load_plan(path), display_path(path)  # the folder's own error
    # a side of a comparison may be an old copy of a plan: read in the format it was written in
    return build_plan(read_document(path, legacy=True)), display_path(path)
