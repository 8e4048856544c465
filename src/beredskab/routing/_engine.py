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
  engines are freed at the next creation (a finalizer may run while that lock is held);
- memory kept after ``delete_ruleset``: the core's ``deleteRuleset`` frees the ruleset's
  pools and the array of session nodes, but not what a session node points to (its
  message pool, a frame pool per join and per rule, stored messages, its sid; allocated by
  ``createStateNode`` at the first event): 150 KB to 0.5 MB per engine that ever routed, so
  every reload leaked its old plans' sessions. Freeing an engine now calls ``delete_state``
  (``deleteStateNode``) on its session before ``delete_ruleset``. ``createStateNode``
  leaves the node's action context (two heap pointers) uninitialised, and
  ``deleteStateNode`` frees them: a session is deleted only after one whole
  assert/start/complete sequence ran in it (``startActionForState`` set them,
  ``completeAndStartAction`` freed and cleared them), which every normal route does;
- a route cut short inside the core (an exception, or a fork while another thread was
  between two core calls) leaves its event and a started action with a 30 s lease in the
  session, and the next route then gets no action (a silent catch-all) or the old rule: a
  session is marked unsettled for the length of each sequence and reset (deleted, or
  replaced by a fresh sid when deleting is unsafe) before the next route if it never
  settled;
- fork: a lock held by another thread when the process forks stays held forever in the
  child, so the child re-creates the table lock and every engine's lock
  (``os.register_at_fork``). The core never releases the GIL, so no fork lands inside a
  core call and its tables are whole in the child; only a route between two core calls is
  cut short, and the trap above resets its session;
- a closed engine refuses to route rather than fire a handle the core may have reissued.
"""

from __future__ import annotations

import contextlib
import json
import os
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


class _Session:
    """What the core holds for one engine, shared with the engine's finalizer.

    It must not refer to the engine (the finalizer would keep it alive). ``settled``: no
    assert/act sequence is under way or was cut short in the session. ``cycled``: one whole
    sequence ran in this sid's session since it was created, so the core has set and cleared
    its action context and ``delete_state`` frees only what the core allocated.
    """

    __slots__ = ("closed", "cycled", "handle", "serial", "settled", "sid")

    def __init__(self, handle: int) -> None:
        self.handle = handle
        self.serial = 0
        self.sid = "beredskab"
        self.settled = True
        self.cycled = False
        self.closed = False

    def free(self) -> None:
        """Delete the session, then the ruleset, from the core (call with ``_TABLE_LOCK`` held)."""
        if self.cycled:
            # the ruleset's own deletion would drop the node array but keep what each node holds
            with contextlib.suppress(Exception):
                _core.delete_state(self.handle, self.sid)
        with contextlib.suppress(Exception):
            _core.delete_ruleset(self.handle)

    def reset(self) -> None:
        """Start over after a sequence was cut short (call with the engine's lock held)."""
        deleted = False
        if self.cycled:
            try:
                _core.delete_state(self.handle, self.sid)
                deleted = True
            except Exception:  # pragma: no cover - a node that is found is always deletable
                pass
        if not deleted:
            # the node may predate any action context (uninitialised pointers): deleting it
            # could free garbage, so leave it to the ruleset (a one-off leak) and move on
            self.serial += 1
            self.sid = f"beredskab.{self.serial}"
        self.cycled = False
        self.settled = True


# Sessions of collected or closed engines, freed at the next engine creation. A finalizer
# runs wherever garbage collection strikes, possibly inside ``RuleEngine.__init__`` while
# this thread holds ``_TABLE_LOCK``: it must neither take a lock nor call into the core.
_RETIRED: list[_Session] = []

# Every live engine, so that a forked child can give each a lock no other thread holds.
_ENGINES: weakref.WeakSet[RuleEngine] = weakref.WeakSet()


def _retire(session: _Session) -> None:
    session.closed = True
    _RETIRED.append(session)  # list.append is atomic: safe from any thread, any moment


def _free_retired() -> None:
    """Delete retired sessions and rulesets from the core's tables (call with ``_TABLE_LOCK`` held)."""
    while _RETIRED:
        _RETIRED.pop().free()


def _after_fork_in_child() -> None:
    """Only this thread survives the fork: locks other threads held are held for good."""
    global _TABLE_LOCK
    _TABLE_LOCK = threading.Lock()
    for engine in list(_ENGINES):
        # a route that thread was in the middle of left its session unsettled: the next
        # route here resets it
        engine._lock = threading.Lock()


if hasattr(os, "register_at_fork"):  # POSIX
    os.register_at_fork(after_in_child=_after_fork_in_child)


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
        # one session per engine (``_Session.sid``): events are consumed by the rule that
        # fires, so the session never accumulates anything (tests check it stays empty)
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
            _ENGINES.add(self)  # under the lock: WeakSet.add is not atomic
        self._handle: int = self._ruleset._handle
        self._session = _Session(self._handle)
        self._finalizer = weakref.finalize(self, _retire, self._session)

    @property
    def _sid(self) -> str:
        return self._session.sid

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
            session = self._session
            if session.closed:
                raise EngineError("the rule engine is closed")
            if not session.settled:
                session.reset()
            self._fired = None
            session.settled = False  # until the sequence below has run to its end
            try:
                result = _core.assert_event(session.handle, json.dumps(dict(facts, sid=session.sid, engine=self._tag)))
                code, state = result
                if code == 1:  # MessageNotHandled: the catch-all rule makes this unreachable
                    session.settled = True  # nothing matched, so nothing was stored or started
                    return self.catch_all
                if code != 0:  # observed (duplicate id) or deferred: never answer silently
                    raise EngineError(f"durable-rules did not process the event (code {code})")
                pending = _core.start_action_for_state(session.handle, state)
                while pending:
                    self._dispatch(pending[1])
                    follow = _core.complete_and_start_action(session.handle, state)
                    pending = (None, follow) if follow else None
                session.settled = session.cycled = True
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
        """Free the session and the ruleset in the C tables now rather than at garbage collection."""
        with self._lock:  # a route under way in another thread finishes first
            self._finalizer()
        with _TABLE_LOCK:
            _free_retired()
