"""A safe wrapper around durable-rules: one private ruleset per compiled plan.

durable-rules keeps rulesets in process-wide C state and its Python ``Host`` runs timer
threads forever. The traps this module closes, each covered by tests:

- name clashes ("already registered"): every engine gets a fresh unique ruleset name,
  and rulesets are created on a private ``Ruleset`` object, never on the module host;
- "Ruleset not found" from threads posting before a host exists: the ruleset exists
  before the engine object is returned, and nothing posts through a host;
- ``MessageNotHandledException``: every ruleset ends with a catch-all rule of lowest
  priority that matches any event, and a not-handled result still maps to the catch-all;
- state left per ``sid``: every post uses a fresh sid whose state is deleted afterwards;
- no API to learn which rule fired: each rule's action records its own index;
- thread safety: one lock per engine serialises the assert/act/delete sequence; a global
  lock guards ruleset creation and deletion in the shared C tables.
"""

from __future__ import annotations

import itertools
import threading
import uuid
import weakref
from collections.abc import Callable
from typing import Any

import durable_rules_engine as _core
from durable.engine import MessageNotHandledException, Ruleset

__all__ = ["EngineError", "RuleEngine"]

_TABLE_LOCK = threading.Lock()
Expr = dict[str, Any]


class EngineError(RuntimeError):
    """durable-rules failed in a way that is not about the concern (a library fault)."""


def _delete_ruleset(handle: int) -> None:
    with _TABLE_LOCK:
        try:
            _core.delete_ruleset(handle)
        except Exception:  # noqa: BLE001 - interpreter shutdown or already gone
            pass


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
        self._sids = itertools.count()
        definition: dict[str, Any] = {}
        for i, expr in enumerate(conditions):
            definition[f"r{i}"] = {"all": [{"m": expr}], "pri": i + 1, "run": self._recorder(i)}
        # matches every event (each carries this engine's tag) but never the session state
        # record durable-rules keeps per sid, which would otherwise re-fire it forever
        definition["catch_all"] = {
            "all": [{"m": {"engine": self._tag}}],
            "pri": len(conditions) + 1,
            "run": self._recorder(self.catch_all),
        }
        with _TABLE_LOCK:
            try:
                self._ruleset = Ruleset(self.name, None, definition)
            except Exception as exc:  # the core rejects a malformed definition
                raise EngineError(f"durable-rules rejected the compiled rules: {exc}") from exc
        self._finalizer = weakref.finalize(self, _delete_ruleset, self._ruleset._handle)

    def _recorder(self, index: int) -> Callable[[Any], None]:
        def action(c: Any) -> None:
            self._fired = index

        return action

    def fire(self, facts: dict[str, Any]) -> int:
        """Index of the rule that fires for ``facts`` (a flat dict of str/bool/num values)."""
        with self._lock:
            sid = f"s{next(self._sids)}"
            event = dict(facts, sid=sid, engine=self._tag)
            self._fired = None
            errors: list[BaseException] = []
            try:
                try:
                    handle = self._ruleset.assert_event(event)
                except MessageNotHandledException:
                    return self.catch_all
                self._ruleset.do_actions(handle, lambda e, _state: errors.append(e) if e else None)
            except Exception as exc:
                raise EngineError(f"durable-rules failed: {exc}") from exc
            finally:
                try:
                    self._ruleset.delete_state(sid)
                except Exception:  # noqa: BLE001 - no state was created
                    pass
            if errors:
                raise EngineError(f"durable-rules action failed: {errors[0]}")
            fired = self._fired
            return self.catch_all if fired is None else fired

    def has_state(self, sid: str) -> bool:
        """Whether durable-rules still holds state for ``sid`` (for leak tests)."""
        with self._lock:
            try:
                self._ruleset.get_state(sid)
            except Exception:  # noqa: BLE001 - "not found" is how the core says no state
                return False
            return True

    def close(self) -> None:
        """Free the ruleset in the C tables now rather than at garbage collection."""
        self._finalizer()
