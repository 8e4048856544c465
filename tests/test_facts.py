"""The one facts table: every condition key is in it, and every reading of a condition agrees.

durable-rules (what routing fires), two-valued evaluation (the expected path) and
three-valued evaluation (the analyses) all read conditions through ``routing/facts.py``;
on complete facts they must give the same answer, and on partial facts the three-valued
answer must be True or False only when every completion agrees.
"""

from __future__ import annotations

import itertools
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from beredskab.routing._engine import RuleEngine
from beredskab.routing.conditions import compile_condition, eval3, reads, to_durable
from beredskab.routing.facts import LEAVES, TIME, dimension_of, leaf_facts, read_keys
from beredskab.spec.model import Condition, iter_conditions

# a small universe: each fact key with every value it can take
UNIVERSE: dict[str, list[str]] = {
    "acute": ["yes", "no"],
    "band": ["child", "adult", "unknown_age"],
    "reporter": ["citizen", "police"],
    "step": ["intake", "visitation"],
    "topic": ["radicalisation", "school_shooting"],
    "severity": ["high", "none"],
    "f_consent": ["true", "false", "unknown"],
    "f_relevant": ["true", "false", "unknown"],
    "o_office": ["yes", "no"],
    "holiday": ["yes", "no"],
}

leaf = st.one_of(
    st.builds(lambda v: {"acute": v}, st.booleans()),
    st.builds(lambda v: {"age_band": v}, st.lists(st.sampled_from(UNIVERSE["band"]), min_size=1, max_size=2)),
    st.builds(lambda v: {"reporter": v}, st.sampled_from(UNIVERSE["reporter"])),
    st.builds(lambda v: {"step": v}, st.lists(st.sampled_from(UNIVERSE["step"]), min_size=1, max_size=2)),
    st.builds(lambda v: {"topic": v}, st.sampled_from(UNIVERSE["topic"])),
    st.builds(lambda v: {"severity": v}, st.sampled_from(UNIVERSE["severity"])),
    st.builds(
        lambda v: {"findings": v},
        st.dictionaries(st.sampled_from(["consent", "relevant"]), st.sampled_from([True, False, None]), min_size=1),
    ),
    st.builds(lambda v: {"open": {"office": v}}, st.booleans()),
    st.builds(lambda v: {"holiday": v}, st.booleans()),
)
conditions = st.recursive(
    leaf,
    lambda inner: st.one_of(
        st.builds(lambda xs: {"all": xs}, st.lists(inner, min_size=1, max_size=3)),
        st.builds(lambda xs: {"any": xs}, st.lists(inner, min_size=1, max_size=3)),
        st.builds(lambda x: {"not": x}, inner),
        st.builds(lambda a, b: {**a, **b}, leaf, inner),
    ),
    max_leaves=6,
)
facts_strategy = st.fixed_dictionaries({k: st.sampled_from(v) for k, v in UNIVERSE.items()})


def test_every_condition_key_is_in_the_facts_table() -> None:
    combinators = {"all", "any", "not_"}
    assert {leaf.field for leaf in LEAVES} == set(Condition.model_fields) - combinators


def test_leaf_keys_and_dimensions() -> None:
    cond = Condition.model_validate(
        {
            "acute": True,
            "age_band": ["child"],
            "findings": {"consent": None},
            "open": {"office": False},
            "holiday": True,
        }
    )
    assert list(leaf_facts(cond)) == [
        ("acute", ("yes",)),
        ("band", ("child",)),
        ("f_consent", ("unknown",)),
        ("o_office", ("no",)),
        ("holiday", ("yes",)),
    ]
    assert [dimension_of(k) for k, _ in leaf_facts(cond)] == ["acute", "band", "f_consent", TIME, TIME]
    assert reads(cond) == ["acute", "band", "f_consent", TIME]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(raw=conditions, facts=st.lists(facts_strategy, min_size=1, max_size=8))
def test_durable_rules_two_and_three_valued_agree(raw: dict[str, Any], facts: list[dict[str, str]]) -> None:
    cond = Condition.model_validate(raw)
    compiled = compile_condition(cond)
    engine = RuleEngine("facts-test", [to_durable(cond)])
    try:
        for full in facts:
            fired = engine.fire(full) == 0
            assert compiled.holds(full) is fired, (raw, full)
            assert eval3(cond, full) is fired
    finally:
        engine.close()


@settings(max_examples=150, deadline=None)
@given(raw=conditions, full=facts_strategy, hide=st.sets(st.sampled_from(sorted(UNIVERSE)), max_size=3))
def test_three_valued_is_sound_on_partial_facts(raw: dict[str, Any], full: dict[str, str], hide: set[str]) -> None:
    cond = Condition.model_validate(raw)
    partial = {k: v for k, v in full.items() if k not in hide}
    verdict = eval3(cond, partial)
    hidden = sorted(hide)
    outcomes = {
        compile_condition(cond).holds({**partial, **dict(zip(hidden, values, strict=True))})
        for values in itertools.product(*(UNIVERSE[k] for k in hidden))
    }
    if verdict is not None:
        assert outcomes == {verdict}
    # a fact the condition does not read cannot leave it undecided
    read = read_keys([cond])
    if not (read & hide):
        assert verdict is not None


def test_the_walker_visits_every_sub_condition_with_its_path() -> None:
    cond = Condition.model_validate({"any": [{"acute": True}, {"not": {"step": "intake"}}], "all": [{"holiday": True}]})
    paths = [p for _, p in iter_conditions(cond, ("rules", 0, "when"))]
    assert paths == [
        ("rules", 0, "when"),
        ("rules", 0, "when", "all", 0),
        ("rules", 0, "when", "any", 0),
        ("rules", 0, "when", "any", 1),
        ("rules", 0, "when", "any", 1, "not"),
    ]
