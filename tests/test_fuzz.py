"""Mutation fuzzing of plans and events: every input gets an answer or a clear error, in bounded time.

Plans: the shipped plans mutated at text level (lines dropped, doubled, swapped, cut;
characters and numbers inserted) and at tree level (a value replaced by a hostile one,
a key dropped, a list blown up). ``validate`` must return a report, and a plan that loads
must route concerns. Events: random and hostile values in every field (huge numbers,
deep nesting, name- and CPR-like text): ``route`` gives a Decision or a ConcernError that
echoes none of those values; the CLI exits 0 or 2 without a traceback.

Each case runs in a forked child with a time limit (``fuzzing.run_bounded``). The normal
suite runs a modest number of cases; ``BEREDSKAB_FUZZ=1`` runs tens of thousands.
"""

from __future__ import annotations

import copy
import datetime as dt
import io
import json
import tempfile
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import beredskab
from beredskab.cli import main
from beredskab.spec._yaml import iter_paths, load_document
from conftest import PLANS, SLUGS
from fuzzing import examples, run_bounded

TEXTS = {slug: (PLANS / f"{slug}.yaml").read_text(encoding="utf-8") for slug in SLUGS}
TREES = {slug: load_document(PLANS / f"{slug}.yaml").data for slug in SLUGS}
AT = "2026-11-28T12:00:00+01:00"
AS_OF = dt.date(2026, 11, 22)
SETTINGS = {
    "deadline": None,
    "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large],
    "derandomize": False,
}

# --- plans ---------------------------------------------------------------------------------

NASTY_TEXT = ["&a", "*a", "!!python/object:os.system", "<<: *a", "\t", ":", "- ", "{", "[", "'", '"', "\x00", "\ufeff"]


def _mutate_text(text: str, ops: list[tuple[int, int, int]]) -> str:
    lines = text.split("\n")
    for kind, a, b in ops:
        i, j = a % max(len(lines), 1), b % max(len(lines), 1)
        if not lines:
            break
        if kind == 0:
            del lines[i]
        elif kind == 1:
            lines.insert(i, lines[j])
        elif kind == 2:
            lines[i], lines[j] = lines[j], lines[i]
        elif kind == 3:
            lines = lines[: max(i, 1)]
        elif kind == 4:
            pos = j % (len(lines[i]) + 1)
            lines[i] = lines[i][:pos] + NASTY_TEXT[b % len(NASTY_TEXT)] + lines[i][pos:]
        elif kind == 5:
            lines[i] = lines[i].replace(":", ": " + "9" * (1 + b % 6000), 1)
        elif kind == 6:
            lines[i] = "  " * (b % 60) + lines[i]
    return "\n".join(lines)


HOSTILE_VALUES: list[Any] = [
    None,
    True,
    -1,
    0,
    10**30,
    1e308,
    float("nan"),
    "",
    "x" * 3000,
    "Ahmed Hansen",
    "010101-1234",
    [],
    {},
    [[[[[[[[[[[]]]]]]]]]]],
    {"all": [{"any": [{"not": {"acute": True}}]}]},
    ["intake"] * 300,
    "PT9999999999H",
    "P99999M",
    "25:00-99:99",
    "Europe/Berlin",
    "9999-99-99",
]


def _mutate_tree(data: Any, picks: list[tuple[int, int, int]]) -> Any:
    data = json.loads(json.dumps(data))  # a deep copy of plain data
    for which, how, value in picks:
        paths = [p for p, _ in iter_paths(data) if p]
        if not paths:
            break
        path = paths[which % len(paths)]
        parent = data
        for seg in path[:-1]:
            parent = parent[seg]
        key = path[-1]
        if how % 4 == 0:
            # a copy: the shared values must not grow from one example to the next
            parent[key] = copy.deepcopy(HOSTILE_VALUES[value % len(HOSTILE_VALUES)])
        elif how % 4 == 1 and isinstance(parent, dict):
            del parent[key]
        elif how % 4 == 2 and isinstance(parent[key], list) and parent[key]:
            parent[key] = parent[key] * (2 + value % 400)
        else:
            parent[key] = {"unexpected": parent[key]}
    return data


def _judge_plan(text: str) -> str:
    """In the child: validate the text as a plan file; route through it if it loads."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "mutated.yaml"
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        report = beredskab.validate([path], as_of=AS_OF, lang="en")
        for plan in report.plans.values():
            for acute in (True, False):
                for age in (None, 9, 16, 40):
                    for step in list(plan.steps)[:4]:
                        plan.route({"acute": acute, "age": age, "step": step, "received_at": AT})
        return "loaded" if report.plans else "rejected"


def _check(text: str) -> None:
    status, result = run_bounded(_judge_plan, text)
    assert status == "ok", f"{status}: {result}"


@settings(max_examples=examples(40, 5_000), **SETTINGS)  # type: ignore[arg-type]
@given(
    slug=st.sampled_from(SLUGS),
    ops=st.lists(st.tuples(st.integers(0, 6), st.integers(0, 10**6), st.integers(0, 10**6)), min_size=1, max_size=4),
)
def test_text_mutations_of_the_shipped_plans(slug: str, ops: list[tuple[int, int, int]]) -> None:
    _check(_mutate_text(TEXTS[slug], ops))


@settings(max_examples=examples(40, 5_000), **SETTINGS)  # type: ignore[arg-type]
@given(
    slug=st.sampled_from(SLUGS),
    picks=st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 3), st.integers(0, 10**6)), min_size=1, max_size=3),
)
def test_tree_mutations_of_the_shipped_plans(slug: str, picks: list[tuple[int, int, int]]) -> None:
    import yaml

    _check(yaml.safe_dump(_mutate_tree(TREES[slug], picks), allow_unicode=True, sort_keys=False))


# --- events --------------------------------------------------------------------------------

PII = ["Ahmed Hansen", "010101-1234", "Hans Hansen bor på Vestergade 3"]
event_values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**40), max_value=10**40),
    st.just(10**5000),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(PII),
    st.text(max_size=30),
    st.sampled_from(
        ["2026-11-23T10:00:00+01:00", "2026-11-23T10:00:00", "1969-12-31T23:59:59Z", "9999-12-31T23:59:59+14:00"]
    ),
    st.sampled_from(["professional", "citizen", "police", "high", "intake", "visitation", "radicalisation"]),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(
        st.sampled_from(["consent", "relevant", "Ahmed Hansen"]),
        st.one_of(st.booleans(), st.none(), st.sampled_from(PII)),
        max_size=3,
    ),
)
FIELDS = ["received_at", "acute", "age", "reporter", "step", "findings", "severity", "topic"]
events = st.dictionaries(st.sampled_from([*FIELDS, "name", "Ahmed Hansen", "cpr"]), event_values, max_size=9)


def _route_events(batch: list[dict[str, Any]]) -> list[str]:
    plans = beredskab.load_plans(PLANS)
    out = []
    for i, event in enumerate(batch):
        plan = plans[SLUGS[i % len(SLUGS)]]
        try:
            plan.route(event)
            out.append("decision")
        except beredskab.ConcernError as exc:
            text = str(exc) + repr(exc.problems)
            leaked = [p for p in PII if p in text]
            out.append(f"LEAK {leaked}" if leaked else "concern-error")
    return out


@settings(max_examples=examples(15, 2_000), **SETTINGS)  # type: ignore[arg-type]
@given(batch=st.lists(events, min_size=1, max_size=40))
def test_hostile_events_get_a_decision_or_a_concern_error_that_echoes_nothing(batch: list[dict[str, Any]]) -> None:
    status, result = run_bounded(_route_events, batch)
    assert status == "ok", f"{status}: {result}"
    assert not [r for r in result if r.startswith("LEAK")], result


def _cli_event(raw: bytes) -> tuple[int, str]:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "event.json"
        path.write_bytes(raw)
        err = io.StringIO()
        with redirect_stdout(io.StringIO()), redirect_stderr(err):
            code = main(["route", str(PLANS / "koege.yaml"), "--event", str(path)])
    return code, err.getvalue()


@settings(max_examples=examples(25, 5_000), **SETTINGS)  # type: ignore[arg-type]
@given(event=events, cut=st.integers(0, 400), junk=st.binary(max_size=20))
def test_the_cli_reads_any_event_file_without_a_traceback(event: dict[str, Any], cut: int, junk: bytes) -> None:
    try:
        raw = json.dumps(event, default=str).encode("utf-8", "surrogatepass")
    except ValueError:
        raw = b"{}"
    if cut % 3 == 0:
        raw = raw[: cut % (len(raw) + 1)] + junk  # a broken file
    status, result = run_bounded(_cli_event, raw)
    assert status == "ok", f"{status}: {result}"
    code, err = result
    assert code in (0, 2), err
    assert "Traceback" not in err
    assert not [p for p in PII if p in err], err
