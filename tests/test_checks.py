"""Validation checks: negative example files, the complete plan, check module conventions, CLI formats.

Each check ``BKnnn`` has a negative example ``example-files/checks/BKnnn-<name>.yaml``: the
complete plan (``example-files/valid/complete.yaml``) with one fault, starting with
``# expect: CODE LINE:COL`` lines. Then a few targeted tests of branches the example files
do not reach.
"""

from __future__ import annotations

import datetime as dt
import importlib
import json
import pkgutil
import re
import tempfile
from pathlib import Path
from types import ModuleType

import pytest
import yaml

import beredskab
from beredskab import Problem, Severity
from beredskab._problems import CODES
from beredskab.analysis import checks
from beredskab.analysis.checks import REGISTRY
from beredskab.analysis.checks import contact_syntax as bk801
from beredskab.cli import main
from conftest import EXAMPLE_FILES, REPO, expected_problems

AS_OF = dt.date(2026, 11, 22)
CHECK_FILES = sorted((EXAMPLE_FILES / "checks").glob("*.yaml"))
COMPLETE = EXAMPLE_FILES / "valid" / "complete.yaml"
FILE_NAME = re.compile(r"^(BK\d{3})-([a-z0-9-]+)\.yaml$")

# Checks the lead is still writing: allowed to lack a negative example file for now.
# The test below fails once a file appears, so that this set is kept honest.
PENDING: set[str] = set()
# Codes complete.yaml itself reports (info): the assumed opening hours, as every real plan
# has them. For these the negative file must report more of the code than complete.yaml.
ON_COMPLETE = {"BK901", "BK604"}


def _rel(path: Path) -> str:
    return path.relative_to(REPO).as_posix()


def _expected(path: Path) -> list[tuple[str, int, int]]:
    return [(code, line, col) for code, line, col, _ in expected_problems(path)]


def _run_file(path: Path) -> list[Problem]:
    return list(beredskab.validate([path], as_of=AS_OF, lang="en").problems)


def _run_text(text: str, as_of: dt.date = AS_OF) -> list[Problem]:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "mutated.yaml"
        path.write_text(text, encoding="utf-8")
        report = beredskab.validate([path], as_of=as_of, lang="en")
    if not report.plans:  # a mutation the loader rejects is a broken test, not a finding
        raise beredskab.PlanError(list(report.problems))
    return list(report.problems)


def _complete_text() -> str:
    return COMPLETE.read_text(encoding="utf-8")


def _mutate(*pairs: tuple[str, str]) -> str:
    text = _complete_text()
    for old, new in pairs:
        assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in complete.yaml"
        text = text.replace(old, new)
    return text


def _codes(problems: list[Problem], code: str) -> list[Problem]:
    return [p for p in problems if p.code == code]


@pytest.fixture(scope="module")
def complete_problems() -> list[Problem]:
    return _run_file(COMPLETE)


# --- (a) negative example files ---------------------------------------------------------


@pytest.mark.parametrize("path", CHECK_FILES, ids=[p.stem for p in CHECK_FILES])
def test_negative_example_reports_what_it_expects(path: Path, complete_problems: list[Problem]) -> None:
    m = FILE_NAME.match(path.name)
    assert m, f"{path.name}: name it BKnnn-<check-name>.yaml"
    code = m.group(1)
    assert code in REGISTRY, f"{path.name}: no check {code}"
    assert m.group(2) == REGISTRY[code].name, f"{path.name}: the check is called {REGISTRY[code].name!r}"
    expected = _expected(path)
    assert expected, f"{path.name} has no '# expect:' line"
    assert path.read_text(encoding="utf-8").startswith("# expect: "), "the expect lines come first"
    assert {c for c, _, _ in expected} == {code}, "a negative example expects its own code only"
    got = {(p.code, p.line, p.col) for p in _run_file(path)}
    for want in expected:
        assert want in got, f"{path.name}: expected {want}, got {sorted(got)}"
    ours = [p for p in _run_file(path) if p.code == code]
    assert len(ours) == len(expected), f"{path.name}: {len(ours)} {code} problems, {len(expected)} expected"
    on_complete = _codes(complete_problems, code)
    if code in ON_COMPLETE:
        assert len(on_complete) < len(ours)
    else:
        assert not on_complete, f"{code} fires on complete.yaml: {on_complete[0].format()}"


# --- (b) the complete plan ----------------------------------------------------------------


def test_complete_plan_has_no_errors_or_warnings(complete_problems: list[Problem]) -> None:
    bad = [p.format() for p in complete_problems if p.severity is not Severity.INFO]
    assert not bad, "\n".join(bad)
    # the only info: the assumed opening hours, and the longest wait (BK604 always informs)
    assert {p.code for p in complete_problems} <= ON_COMPLETE


# --- (c) every check has a negative example -----------------------------------------------


def test_every_check_has_a_negative_example() -> None:
    have = {m.group(1) for m in (FILE_NAME.match(p.name) for p in CHECK_FILES) if m}
    stale = PENDING & have
    assert not stale, f"remove {sorted(stale)} from PENDING: their example files exist now"
    missing = set(REGISTRY) - have - PENDING
    assert not missing, f"checks without a negative example in example-files/checks/: {sorted(missing)}"


# --- (d) check module conventions ----------------------------------------------------------


def _check_modules() -> list[ModuleType]:
    mods = []
    for info in sorted(pkgutil.iter_modules(checks.__path__), key=lambda m: m.name):
        mod = importlib.import_module(f"beredskab.analysis.checks.{info.name}")
        if hasattr(mod, "CODE"):
            mods.append(mod)
    return mods


CHECK_MODULES = _check_modules()


def test_registry_holds_every_check_module() -> None:
    assert {m.CODE for m in CHECK_MODULES} == set(REGISTRY)
    assert {c for c, row in CODES.items() if row.stage == "check"} == set(REGISTRY), "every check code has a module"


@pytest.mark.parametrize("mod", CHECK_MODULES, ids=[m.__name__.rsplit(".", 1)[-1] for m in CHECK_MODULES])
def test_check_module_conventions(mod: ModuleType) -> None:
    row = CODES[mod.CODE]
    assert re.fullmatch(r"BK\d{3}", mod.CODE), mod.CODE
    assert re.fullmatch(r"[a-z][a-z0-9]*(-[a-z0-9]+)*", row.name), f"{row.name!r} is not kebab-case"
    assert mod.__name__.rsplit(".", 1)[-1] == row.name.replace("-", "_"), "the module is named after its check"
    # a check names itself only through CODE: name and severity live in the table of codes
    assert not hasattr(mod, "NAME") and not hasattr(mod, "SEVERITY")
    assert callable(mod.check)
    doc = mod.__doc__ or ""
    first = doc.strip().splitlines()[0] if doc.strip() else ""
    assert first == f"{mod.CODE} {row.name}: {row.means}.", "the docstring opens with the table's summary"
    assert "Passing example" in doc, "the docstring shows a passing example"
    assert "Failing example" in doc or "Reported example" in doc, "the docstring shows a failing example"


def test_docs_describe_every_check() -> None:
    text = (REPO / "docs" / "checks.md").read_text(encoding="utf-8")
    for code, check in REGISTRY.items():
        assert f"## {code} {check.name}\n" in text, f"docs/checks.md does not describe {code} {check.name}"
    for row in CODES.values():
        assert f"{row.code} {row.name}" in text or f"| {row.code} | {row.name} |" in text, row.code


def test_docs_are_generated_from_the_docstrings() -> None:
    from beredskab.analysis.checks_doc import render

    committed = (REPO / "docs" / "checks.md").read_text(encoding="utf-8")
    assert committed == render(), (
        "docs/checks.md differs from the check docstrings and the table of codes; regenerate it with "
        "'python -m beredskab.analysis.checks_doc > docs/checks.md'"
    )


def test_each_example_block_of_the_docs_is_yaml() -> None:
    from beredskab.analysis.checks_doc import render

    blocks = re.findall(r"```yaml\n(.*?)```", render(), flags=re.S)
    assert len(blocks) == 2 * len(REGISTRY)
    for block in blocks:
        # the "..." stand for the rest of a rule; the example must be YAML otherwise
        yaml.safe_load(re.sub(r"^\s*\.\.\.\s*$", "", block.replace(", ...}", "}"), flags=re.M))


# --- (e) the same through the CLI, in every format ----------------------------------------

CLI_FILES = ["BK302-dead-end.yaml", "BK703-revision-age.yaml", "BK801-contact-syntax.yaml"]


@pytest.mark.parametrize("name", CLI_FILES)
@pytest.mark.parametrize("fmt", ["text", "json", "github"])
def test_cli_reports_the_expected_problems(
    name: str, fmt: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(REPO)
    path = EXAMPLE_FILES / "checks" / name
    rel = _rel(path)
    code = main(["validate", "--lang", "en", "--format", fmt, "--as-of", AS_OF.isoformat(), rel])
    out = capsys.readouterr().out
    severity = REGISTRY[name[:5]].severity
    assert code == (1 if severity is Severity.ERROR else 0)
    for want_code, line, col in _expected(path):
        if fmt == "text":
            assert f"{rel}:{line}:{col}: {severity.value} {want_code} " in out, out
        elif fmt == "json":
            found = json.loads(out)["problems"]
            assert any(
                (p["file"], p["line"], p["col"], p["code"], p["severity"])
                == (rel, line, col, want_code, severity.value)
                for p in found
            ), found
        else:
            level = {"error": "error", "warning": "warning", "info": "notice"}[severity.value]
            head = f"::{level} file={rel},line={line},col={col},"
            assert any(x.startswith(head) and f"::{want_code} " in x for x in out.splitlines()), out


def test_cli_strict_fails_on_revision_warnings(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(REPO)
    rel = _rel(EXAMPLE_FILES / "checks" / "BK703-revision-age.yaml")
    assert main(["validate", "--lang", "en", "--as-of", AS_OF.isoformat(), "--format", "text", rel]) == 0
    assert main(["validate", "--lang", "en", "--as-of", AS_OF.isoformat(), "--format", "text", "--strict", rel]) == 1
    capsys.readouterr()


def test_cli_complete_plan_exits_0(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    assert (
        main(["validate", "--lang", "en", "--as-of", AS_OF.isoformat(), "--format", "text", "--strict", _rel(COMPLETE)])
        == 0
    )
    assert "0 error(s), 0 warning(s)" in capsys.readouterr().out


# --- branches the example files do not reach -----------------------------------------------


def test_dead_end_leading_into_a_cycle_names_where_it_goes() -> None:
    # visitation now only leads back to infohus_assessment, which leads on as before: no dead end;
    # a new step 'waiting' only leads into a two-step trap
    text = _mutate(
        (
            '  closed: {name: Henlagt, terminal: closed, source: {section: "2"}}\n',
            '  closed: {name: Henlagt, terminal: closed, source: {section: "2"}}\n'
            '  waiting: {name: Venter, source: {section: "2"}}\n'
            '  trap_a: {name: A, source: {section: "2"}}\n'
            '  trap_b: {name: B, source: {section: "2"}}\n',
        ),
        (
            "  - id: reopened\n",
            "  - id: wait\n    when: {step: waiting}\n    next: [{actor: infohus, step: trap_a}]\n"
            '    explanation: x.\n    source: {section: "6"}\n'
            "  - id: trap-a\n    when: {step: trap_a}\n    next: [{actor: infohus, step: trap_b}]\n"
            '    explanation: x.\n    source: {section: "6"}\n'
            "  - id: trap-b\n    when: {step: trap_b}\n    next: [{actor: infohus, step: trap_a}]\n"
            '    explanation: x.\n    source: {section: "6"}\n'
            "  - id: reopened\n",
        ),
    )
    found = {p.message for p in _codes(_run_text(text), "BK302")}
    assert any("'waiting'" in m and "only leads to trap_a" in m for m in found), found
    assert sum("cycle without exit (trap_a, trap_b)" in m for m in found) == 2, found


def test_self_loop_is_a_cycle_without_exit() -> None:
    text = _mutate(
        (
            "    next: [{actor: infohus, step: infohus_assessment}]\n    explanation: Politiet orienterer Infohus.",
            "    next: [{actor: alarm_112, step: police_assessment}]\n    explanation: Politiet orienterer Infohus.",
        )
    )
    found = _codes(_run_text(text), "BK302")
    assert [p.message for p in found] == [
        "step 'police_assessment' is on a cycle without exit (police_assessment): no terminal step can be reached from it"
    ]


def test_unreachable_is_silent_without_intake() -> None:
    text = _complete_text().replace("intake", "reception")
    codes = {p.code for p in _run_text(text)}
    assert "BK303" in codes and "BK301" not in codes


def test_escalation_actor_counts_as_used() -> None:
    text = _mutate(
        (
            "age_bands:\n",
            "  on_call:\n    name: Vagt\n    kind: other\n    schedule: always\n"
            '    information_sharing: [SSP]\n    source: {section: "5"}\nage_bands:\n',
        ),
        (
            '    next: [{actor: infohus, step: infohus_assessment}]\n    explanation: Kontakt Infohus.\n    source: {section: "3.2"}',
            "    next:\n      - actor: infohus\n        step: infohus_assessment\n"
            '        escalation: [{on: closed, actor: on_call, source: {section: "5"}}]\n'
            '    explanation: Kontakt Infohus.\n    source: {section: "3.2"}',
        ),
    )
    assert not _codes(_run_text(text), "BK304")


def test_band_spanning_18_is_reported() -> None:
    text = _mutate(
        (
            '  child: {label: under 18, min: 0, max: 17, source: {section: "2"}}\n'
            '  adult: {label: 18 og derover, min: 18, max: 130, source: {section: "2"}}\n',
            '  young: {label: 0-14, min: 0, max: 14, source: {section: "2"}}\n'
            '  child: {label: 15-25, min: 15, max: 25, source: {section: "2"}}\n'
            '  adult: {label: over 25, min: 26, max: 130, source: {section: "2"}}\n',
        ),
        ("    when: {step: intake, age_band: child}", "    when: {step: intake, age_band: [young, child]}"),
    )
    found = _codes(_run_text(text), "BK701")
    assert len(found) == 1 and "'child'" in found[0].message and "spans 18" in found[0].message


def test_sel_12b_rule_that_also_holds_without_consent() -> None:
    # consent is read (by the counselling rule), but a second SEL-12b rule offers it without
    text = _mutate(
        (
            "    when: {step: visitation, age_band: adult, findings: {consent: true}}\n"
            "    next: [{actor: adults, step: follow_up}]\n    legal_basis: [SEL-12b]",
            "    when: {step: visitation, age_band: adult, findings: {consent: true}}\n"
            "    next: [{actor: adults, step: follow_up}]\n    legal_basis: [LAB-9b-12]",
        ),
        (
            "    when: {step: visitation}\n    next: [{actor: infohus, step: closed}]\n",
            "    when: {step: visitation}\n    next: [{actor: infohus, step: closed}]\n    legal_basis: [SEL-12b]\n",
        ),
    )
    found = _codes(_run_text(text), "BK702")
    assert len(found) == 1
    assert "'visitation-other'" in found[0].message and "without the person's consent" in found[0].message


def test_sel_12b_missing_for_adults() -> None:
    text = _mutate(("    legal_basis: [SEL-12b]\n", "    legal_basis: [LAB-9b-12]\n"))
    found = _codes(_run_text(text), "BK702")
    assert len(found) == 1 and "no rule offering § 12 b counselling" in found[0].message


@pytest.mark.parametrize(
    ("document", "as_of", "expected"),
    [
        pytest.param('  revised: {date: "2025-06", source: {section: "Forside"}}\n', AS_OF, [], id="fresh"),
        pytest.param("", AS_OF, ["neither 'revised' nor 'adopted'"], id="no-dates"),
        pytest.param('  adopted: {date: "2022", assumed: true, note: x}\n', AS_OF, [], id="assumed-year-ok"),
        pytest.param(
            '  adopted: {date: "2022", assumed: true, note: x}\n',
            dt.date(2027, 1, 1),
            ["last adopted 2022"],
            id="assumed-counts",
        ),
        # the newest of the two counts
        pytest.param(
            '  adopted: {date: "2015", source: {section: "1"}}\n  revised: {date: "2024-02-29", source: '
            '{section: "1"}}\n',
            dt.date(2028, 2, 28),
            [],
            id="newest-leap-day",
        ),
        pytest.param(
            '  adopted: {date: "2015", source: {section: "1"}}\n  revised: {date: "2024-02-29", source: '
            '{section: "1"}}\n',
            dt.date(2028, 3, 1),
            ["last revised 2024-02-29"],
            id="newest-leap-day-late",
        ),
        pytest.param(
            '  revised: {date: "2025-06", source: {section: "1"}}\n'
            '  next_revision_due: {date: "2026-11-21", source: {section: "1"}}\n',
            AS_OF,
            ["next_revision_due 2026-11-21 has passed"],
            id="due-passed",
        ),
        pytest.param(
            '  revised: {date: "2025-06", source: {section: "1"}}\n'
            '  next_revision_due: {date: "2026-11", source: {section: "1"}}\n',
            AS_OF,
            [],
            id="due-this-month",
        ),
    ],
)
def test_revision_age(document: str, as_of: dt.date, expected: list[str]) -> None:
    text = _mutate(('  revised: {date: "2025-06", source: {section: "Forside"}}\n', document))
    found = [p.message for p in _codes(_run_text(text, as_of), "BK703")]
    assert len(found) == len(expected), found
    for want, got in zip(expected, found, strict=True):
        assert want in got


def test_impossible_document_date_is_rejected_by_the_loader() -> None:
    text = _mutate(
        (
            '  revised: {date: "2025-06", source: {section: "Forside"}}\n',
            '  revised: {date: "2025-13", source: {section: "1"}}\n',
        )
    )
    with pytest.raises(beredskab.PlanError, match="BK101"):
        _run_text(text, AS_OF)


def test_sharing_not_judged_at_intake_nor_with_consent_nor_with_a_basis() -> None:
    base = ("    information_sharing: [PSP]\n", "")
    # only at intake: the reporter contacting the receiver
    at_intake = _mutate(
        base,
        (
            "    when: {step: infohus_assessment}\n    next: [{actor: adults, step: visitation}]",
            "    when: {step: infohus_assessment}\n    next: [{actor: infohus, step: visitation}]",
        ),
        (
            "    when: {step: intake}\n    next: [{actor: infohus, step: infohus_assessment}]",
            "    when: {step: intake}\n    next: [{actor: adults, step: infohus_assessment}]",
        ),
    )
    assert not _codes(_run_text(at_intake), "BK704")
    # a basis for sharing without consent
    with_basis = _mutate(
        base,
        (
            "    explanation: Voksenrådgivningen visiterer.",
            "    legal_basis: [DBL-8]\n    explanation: Voksenrådgivningen visiterer.",
        ),
    )
    assert not _codes(_run_text(with_basis), "BK704")
    # only with consent
    with_consent = _mutate(
        base,
        (
            "    when: {step: infohus_assessment}\n    next: [{actor: adults",
            "    when: {step: infohus_assessment, findings: {consent: true}}\n    next: [{actor: adults",
        ),
    )
    assert not [p for p in _codes(_run_text(with_consent), "BK704") if "'infohus-other'" in p.message]


def test_sharing_names_rpl_115_cited_for_a_non_member() -> None:
    text = _mutate(
        ("    information_sharing: [PSP]\n", ""),
        (
            "    explanation: Voksenrådgivningen visiterer.",
            "    legal_basis: [RPL-115]\n    explanation: Voksenrådgivningen visiterer.",
        ),
    )
    found = _codes(_run_text(text), "BK704")
    assert len(found) == 1 and "cites RPL-115" in found[0].message


def test_sharing_in_the_catch_all() -> None:
    # the catch-all answers after visitation for adults without consent once that rule is narrowed,
    # and hands them from the adult services to a help desk in no § 115 cooperation
    text = _mutate(
        (
            "age_bands:\n",
            "  helpdesk:\n    name: Borgerservice\n    kind: other\n    schedule: municipal_hours\n"
            '    source: {section: "5"}\nage_bands:\n',
        ),
        ("    when: {step: visitation}\n", "    when: {step: visitation, age_band: [child, unknown]}\n"),
        (
            "catch_all:\n  next: [{actor: infohus, step: infohus_assessment}]",
            "catch_all:\n  next: [{actor: helpdesk, step: infohus_assessment}]",
        ),
    )
    found = _codes(_run_text(text), "BK704")
    assert len(found) == 1 and found[0].message.startswith("the catch-all passes the concern on to 'helpdesk'")


def test_sharing_not_judged_when_the_receiver_already_holds_the_case() -> None:
    # after visitation by the adult services, only the adult services themselves act on
    # concerns about adults: no information leaves them
    text = _mutate(
        ("    information_sharing: [PSP]\n", ""),
        (
            "    when: {step: visitation}\n    next: [{actor: infohus, step: closed}]",
            "    when: {step: visitation}\n    next: [{actor: adults, step: closed}]",
        ),
        (
            "    explanation: Voksenrådgivningen visiterer.",
            "    legal_basis: [DBL-8]\n    explanation: Voksenrådgivningen visiterer.",
        ),
    )
    found = _codes(_run_text(text), "BK704")
    # children also reach visitation (child band), so 'visitation-other' can hand a child's
    # case from the children's services to the adult services: that one is reported
    assert len(found) == 1 and "'visitation-other'" in found[0].message


@pytest.mark.parametrize(
    "value",
    [
        "1234 5678",
        "12345678",
        "+45 1234 5678",
        "0045 12 34 56 78",
        "12-34-56-78",
        "12.34.56.78",
        "112",
        "114",
        "4174 9090",
    ],
)
def test_phone_ok(value: str) -> None:
    assert bk801.phone_ok(value)


@pytest.mark.parametrize(
    "value", ["1234 567", "123456789", "+46 1234 5678", "1234 567a", "113", "tlf. 12345678", "１２３４５６７８", ""]
)
def test_phone_bad(value: str) -> None:
    assert not bk801.phone_ok(value)


@pytest.mark.parametrize(
    "value", ["infohus@testby.dk", "TWA001@politi.dk", "a.b+c@sub.kk.dk", "radikalisering@københavn.dk"]
)
def test_email_ok(value: str) -> None:
    assert bk801.email_ok(value)


@pytest.mark.parametrize(
    "value",
    [
        "infohus@testby",
        "infohus testby.dk",
        "infohus@@testby.dk",
        "@testby.dk",
        "infohus@testby .dk",
        "info hus@testby.dk",
        ".a@testby.dk",
        "a@-x.dk",
        "a@x.d1",
    ],
)
def test_email_bad(value: str) -> None:
    assert not bk801.email_ok(value)


@pytest.mark.parametrize(
    "value", ["koege.dk", "www.kk.dk/radikalisering", "https://www.koege.dk/bekymret?x=1", "http://koege.dk"]
)
def test_web_ok(value: str) -> None:
    assert bk801.web_ok(value)


@pytest.mark.parametrize(
    "value",
    [
        "koege",
        "koege dk",
        "ftp://koege.dk",
        "https://",
        "https://koege",
        "http//koege.dk",
        "https://koege.dk:port",
        "https://koege.dk/ a",
    ],
)
def test_web_bad(value: str) -> None:
    assert not bk801.web_ok(value)
