"""Start-up stays lean (issue 21): what a command imports, counted without timing.

``beredskab route`` loads none of the views' and the service's libraries and no country's
holidays; ``--version`` loads no plan machinery at all; the Danish holidays computed here
are the ``holidays`` library's, day for day; a command's own parser is the whole parser's.
``benchmarks/cli.py`` has the times.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pytest

from beredskab.cli import _GROUP_OF, _command_of, build_parser
from beredskab.routing.calendar import _holidays_of_year, easter_sunday, is_public_holiday

REPO = Path(__file__).resolve().parents[1]
ROUTE = ["route", "koege", "--not-acute", "--age", "16", "--at", "2026-11-23T20:00+01:00", "--format", "text"]
NOT_FOR_ROUTE = ("jinja2", "deepdiff", "networkx", "babel", "starlette", "uvicorn", "markupsafe")
# what only replacing a folder needs (beredskab._files imports it then); tempfile and shutil
# come with argparse's help formatter and importlib.metadata (pydantic's plugin lookup) anyway
WRITING_ONLY = ("ctypes",)


def _modules_after_cli(argv: list[str]) -> tuple[int, set[str]]:
    """The exit code of ``beredskab ARGV`` run in a fresh interpreter, and the modules it then holds."""
    script = (
        "import json, sys\n"
        "from beredskab.cli import main\n"
        "try:\n"
        f"    code = main({argv!r})\n"
        "except SystemExit as exc:\n"
        "    code = exc.code\n"
        "sys.stdout.flush()\n"
        "print('\\n' + json.dumps([code, sorted(sys.modules)]))\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=REPO)
    code, modules = json.loads(out.stdout.splitlines()[-1])
    return code, set(modules)


def _under(modules: set[str], package: str) -> list[str]:
    return sorted(m for m in modules if m == package or m.startswith(package + "."))


@pytest.fixture(scope="module")
def route_modules() -> set[str]:
    code, modules = _modules_after_cli(ROUTE)
    assert code == 0
    return modules


@pytest.mark.parametrize("package", NOT_FOR_ROUTE)
def test_route_imports_no_views_audit_or_service_library(route_modules: set[str], package: str) -> None:
    assert _under(route_modules, package) == []


@pytest.mark.parametrize("module", WRITING_ONLY)
def test_route_imports_nothing_only_writing_needs(route_modules: set[str], module: str) -> None:
    assert _under(route_modules, module) == []


def test_route_imports_no_country_calendars(route_modules: set[str]) -> None:
    # at most Denmark's own module; today not even that: the Danish holidays are computed
    assert set(_under(route_modules, "holidays.countries")) <= {"holidays.countries.denmark"}
    assert _under(route_modules, "holidays") == []


def test_route_imports_neither_analyses_nor_service(route_modules: set[str]) -> None:
    assert _under(route_modules, "beredskab.analysis") == []
    assert _under(route_modules, "beredskab.serve") == []
    assert _under(route_modules, "beredskab.cli.serve") == []
    assert _under(route_modules, "asyncio") == []


def test_version_imports_no_plan_machinery() -> None:
    code, modules = _modules_after_cli(["--version"])
    assert code == 0
    for package in ("pydantic", "yaml", "durable", "beredskab.plan", "beredskab.routing", "beredskab.spec"):
        assert _under(modules, package) == [], package


# --- the Danish holidays ---------------------------------------------------------------


def test_holidays_are_the_holidays_librarys_danish_calendar() -> None:
    holidays = pytest.importorskip("holidays")
    for year in range(1700, 2300):
        expected = dict(holidays.country_holidays("DK", years=year, language="da"))
        assert _holidays_of_year(year) == expected, year


def test_easter_is_the_gregorian_easter() -> None:
    easter = pytest.importorskip("dateutil.easter")
    for year in range(1583, 4100):
        assert easter_sunday(year) == easter.easter(year), year


def test_store_bededag_last_in_2023() -> None:
    assert is_public_holiday(dt.date(2023, 5, 5))
    assert not is_public_holiday(dt.date(2024, 4, 26))
    assert len(_holidays_of_year(2023)) == 11 and len(_holidays_of_year(2024)) == 10


# --- a command's own parser ---------------------------------------------------------------


def _subcommands(parser: object) -> dict[str, object]:
    actions = getattr(parser, "_subparsers")._group_actions  # noqa: B009 - argparse keeps them there
    return dict(actions[0].choices)


def test_every_command_has_its_group() -> None:
    assert set(_subcommands(build_parser())) == set(_GROUP_OF)


@pytest.mark.parametrize("command", sorted(_GROUP_OF))
def test_a_commands_own_parser_is_the_whole_parsers(command: str) -> None:
    whole = _subcommands(build_parser())[command]
    own = _subcommands(build_parser(command))[command]
    assert own.format_help() == whole.format_help()  # type: ignore[attr-defined]


def test_which_parser_a_call_needs() -> None:
    assert _command_of(["route", "koege"]) == "route"
    assert _command_of(["validate", "plans/"]) == "validate"
    assert _command_of(["--version"]) == ""
    for argv in ([], ["--help"], ["-h", "route"], ["rout"], ["--version", "route"], ["plans/"]):
        assert _command_of(argv) is None, argv


def test_no_model_field_defaults_to_a_builtin_factory() -> None:
    """``default_factory=list`` makes pydantic tokenize ``list``'s text signature to inspect it (~5 ms a
    command); the models use ``spec.model.empty_list``/``empty_dict`` instead."""
    import importlib
    import pkgutil

    from pydantic import BaseModel

    import beredskab

    for info in pkgutil.walk_packages(beredskab.__path__, "beredskab."):
        if info.name.startswith("beredskab.serve") or info.name.endswith("__main__"):
            continue  # the service's extra may be missing (its models take no factories); __main__ runs
        importlib.import_module(info.name)
    seen = 0
    stack: list[type[BaseModel]] = [BaseModel]
    while stack:
        cls = stack.pop()
        stack.extend(cls.__subclasses__())
        if not cls.__module__.startswith("beredskab."):
            continue
        for name, field in cls.model_fields.items():
            seen += 1
            assert field.default_factory not in (list, dict, set, tuple, frozenset), f"{cls.__name__}.{name}"
    assert seen > 100
