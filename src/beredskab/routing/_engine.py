"""A safe wrapper around durable-rules: one private ruleset per compiled plan.

durable-rules keeps rulesets in process-wide C state and its Python ``Host`` runs timer
threads forever. The traps this module closes, each covered by tests:

- name clashes ("already registered"): every engine gets a fresh unique ruleset name,
  and rulesets are created on a private ``Ruleset`` object, never on the module host;
- "Ruleset not found" from threads posting before a host exists: the ruleset exists
  before the engine object is returned, and nothing posts through a host;
- ``MessageNotHandledException``: every ruleset ends with a catch-all rule of lowest
  priority that matches any event, and a not-handled result still maps to the catch-all;
- state per ``sid``: each engine posts in one session whose events are all consumed by
  the rule that fires, so nothing accumulates (deleting a session per post would cost
  more than the post itself);
- no API to learn which rule fired: each rule's action records its own index;
- thread safety: one lock per engine serialises the assert/act sequence; a global lock
  guards ruleset creation and deletion in the shared C tables, and rulesets of collected
  engines are freed at the next creation (a finalizer may run while that lock is held).
"""

from __future__ import annotations

import contextlib
import json
import threading
import uuid
import weakref
from collections.abc import Callable
from typing import Any

import durable_rules_engine as _core
from durable.engine import Ruleset

__all__ = ["EngineError", "RuleEngine"]

_TABLE_LOCK = threading.Lock()
Expr = dict[str, Any]


class EngineError(RuntimeError):
    """durable-rules failed in a way that is not about the concern (a library fault)."""


# Handles of collected engines, freed at the next engine creation. A finalizer runs
# wherever garbage collection strikes, possibly inside ``RuleEngine.__init__`` while this
# thread holds ``_TABLE_LOCK``: it must neither take a lock nor call into the core.
_RETIRED: list[int] = []


def _retire(handle: int) -> None:
    _RETIRED.append(handle)  # list.append is atomic: safe from any thread, any moment


def _free_retired() -> None:
    """Delete retired rulesets from the core's tables (call with ``_TABLE_LOCK`` held)."""
    while _RETIRED:
        handle = _RETIRED.pop()
        with contextlib.suppress(Exception):
            _core.delete_ruleset(handle)


class RuleEngine:
    """Fires the first matching rule (by priority) for a flat fact dict; returns its index.

    ``conditions[i]`` is a durable-rules expression for rule ``i``; index
    ``len(conditions)`` is the catch-all.
    """

    def __init__(self, label: str, conditions: list[Expr]) -> None:
        self.name = f"beredskab.{label}.{uuid.uuid4().hex}"
        self._tag = uuid.uuid4().hex
        self.catch_all = len(conditions)
        self._lock = threading.Lock()
        self._fired: int | None = None
        # one session per engine: events are consumed by the rule that fires, so the
        # session never accumulates anything (tests check it stays empty)
        self._sid = "beredskab"
        self._actions: dict[str, Callable[[], None]] = {}
        definition: dict[str, Any] = {}
        for i, expr in enumerate(conditions):
            self._actions[f"r{i}"] = self._recorder(i)
            definition[f"r{i}"] = {"all": [{"m": expr}], "pri": i + 1, "run": self._actions[f"r{i}"]}
        # matches every event (each carries this engine's tag) but never the session state
        # record durable-rules keeps per sid, which would otherwise re-fire it forever
        definition["catch_all"] = {
            "all": [{"m": {"engine": self._tag}}],
            "pri": len(conditions) + 1,
            "run": self._recorder(self.catch_all),
        }
        self._actions["catch_all"] = definition["catch_all"]["run"]
        with _TABLE_LOCK:
            _free_retired()
            try:
                self._ruleset = Ruleset(self.name, None, definition)
            except Exception as exc:  # the core rejects a malformed definition
                raise EngineError(f"durable-rules rejected the compiled rules: {exc}") from exc
        self._handle: int = self._ruleset._handle
        self._finalizer = weakref.finalize(self, _retire, self._handle)

    def _recorder(self, index: int) -> Callable[..., None]:
        """The rule's action: it records that this rule fired (durable-rules cannot say)."""

        def action(c: Any = None) -> None:
            self._fired = index

        return action

    def fire(self, facts: dict[str, Any]) -> int:
        """Index of the rule that fires for ``facts`` (a flat dict of str values).

        This drives the durable-rules core the way its own ``Ruleset.do_actions`` does
        (assert the event, start the action it schedules, run that rule's action, complete
        it), without the per-call ``Closure``/state round trip the Python layer adds: our
        actions neither read nor change session state.
        """
        with self._lock:
            self._fired = None
            try:
                result = _core.assert_event(self._handle, json.dumps(dict(facts, sid=self._sid, engine=self._tag)))
                code, state = result
                if code == 1:  # MessageNotHandled: the catch-all rule makes this unreachable
                    return self.catch_all
                if code != 0:  # observed (duplicate id) or deferred: never answer silently
                    raise EngineError(f"durable-rules did not process the event (code {code})")
                pending = _core.start_action_for_state(self._handle, state)
                while pending:
                    self._dispatch(pending[1])
                    follow = _core.complete_and_start_action(self._handle, state)
                    pending = (None, follow) if follow else None
            except EngineError:
                raise
            except Exception as exc:
                raise EngineError(f"durable-rules failed: {exc}") from exc
            fired = self._fired
            return self.catch_all if fired is None else fired

    def _dispatch(self, message: str) -> None:
        """Run the action of the rule named in the core's action message ``{"r3": {...}}``."""
        if message.startswith('{"'):  # noqa: SIM108 - the comment on the fallback matters more
            name = message[2 : message.index('"', 2)]
        else:  # pragma: no cover - the core's format has been stable since 2.0
            name = next(iter(json.loads(message)))
        self._actions[name]()

    def session(self) -> dict[str, Any]:
        """The engine's one session: its state, pending events and facts (for leak tests)."""
        with self._lock:
            return {
                "state": json.loads(_core.get_state(self._handle, self._sid)),
                "events": json.loads(_core.get_events(self._handle, self._sid)),
                "facts": json.loads(_core.get_facts(self._handle, self._sid)),
            }

    def close(self) -> None:
        """Free the ruleset in the C tables now rather than at garbage collection."""
        self._finalizer()
        with _TABLE_LOCK:
            _free_retired()
