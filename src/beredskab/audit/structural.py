"""The structural layer of a diff: what changed in a plan's content, keyed by id, never by list position.

Each plan becomes an id-keyed tree: rules by ``id`` (their order kept apart, so a move is
a change of its own), contacts by channel and their order within it (phones compared as
digits), the national actors as a set. deepdiff compares the two trees; its report is turned into changes with
the contract's paths (``rules[id=acute-police].next[0].actor``) and positions in both
files. An item removed in A and added in B with the same body is a rename. Changes to
``source``, ``note`` or ``assumed`` alone are provenance-only: a quieter group.
"""

from __future__ import annotations

import difflib
import re
from typing import Any

from deepdiff import DeepDiff

from ..plan import Plan
from ..spec._yaml import YamlDocument
from ..spec.phones import phone_digits
from .model import RuleChange, StructuralChange

__all__ = ["phone_digits", "rule_changes", "structural_changes"]

Path = tuple[Any, ...]
_PROVENANCE = frozenset({"source", "note", "assumed"})
_KEYED = ("actors", "schedules", "steps", "age_bands", "legal_bases", "rules")


class _Keyed:
    """One plan as an id-keyed tree, with the way back from keyed paths to the file's data paths."""

    def __init__(self, plan: Plan) -> None:
        data = plan.model_dump(mode="json", by_alias=True, exclude_defaults=True)
        self.origin: dict[Path, Path] = {}
        self.rule_order: list[str] = [r["id"] for r in data.get("rules", [])]
        rules: dict[str, Any] = {}
        for i, rule in enumerate(data.pop("rules", [])):
            rid = rule.pop("id")
            rules[rid] = rule
            self.origin[("rules", rid)] = ("rules", i)
        for aid, actor in data.get("actors", {}).items():
            contacts: dict[str, Any] = {}
            per_channel: dict[str, int] = {}
            for j, contact in enumerate(actor.get("contacts", [])):
                channel = str(contact.get("channel"))
                if channel == "phone":
                    contact["value"] = phone_digits(str(contact.get("value", "")))
                # keyed by channel and order within it: an edited address is a changed value
                per_channel[channel] = per_channel.get(channel, 0) + 1
                key = f"{channel}#{per_channel[channel]}"
                contacts[key] = contact
                self.origin[("actors", aid, "contacts", key)] = ("actors", aid, "contacts", j)
            if contacts or "contacts" in actor:
                actor["contacts"] = contacts
        data["national_actors"] = dict.fromkeys(data.get("national_actors", []), True)
        data["rules"] = rules
        self.tree = data

    def data_path(self, path: Path) -> Path:
        """The path in the file's data for a keyed path (the longest known prefix translated)."""
        for n in range(len(path), 0, -1):
            head = path[:n]
            if head in self.origin:
                return (*self.origin[head], *path[n:])
        if path and path[0] == "national_actors":
            return ("national_actors",)
        return path


def _render(path: Path) -> str:
    out = ""
    for i, seg in enumerate(path):
        parent = path[i - 1] if i else None
        if isinstance(seg, int):
            out += f"[{seg}]"
        elif parent in _KEYED and i == 1:
            out += f"[id={seg}]"
        elif parent == "contacts" and i == 3:
            out += f"[{seg}]"
        else:
            out += f".{seg}" if out else str(seg)
    return out or "(plan)"


def _at(doc: YamlDocument | None, keyed: _Keyed, path: Path) -> str | None:
    if doc is None:
        return None
    line, col = doc.position(keyed.data_path(path), key=True)
    return f"{doc.file}:{line}:{col}"


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def structural_changes(
    a: Plan, doc_a: YamlDocument | None, b: Plan, doc_b: YamlDocument | None
) -> list[StructuralChange]:
    """Every change from ``a`` to ``b``: content first, then provenance-only, each positioned in both files."""
    ka, kb = _Keyed(a), _Keyed(b)
    # threshold_to_diff_deeper=0: two municipalities share few ids; without it deepdiff (8.1+)
    # reports a whole collection as one changed value instead of its added and removed items
    diff = DeepDiff(ka.tree, kb.tree, verbose_level=2, view="tree", threshold_to_diff_deeper=0)
    changes: list[StructuralChange] = []
    removed: dict[Path, Any] = {}
    added: dict[Path, Any] = {}
    for item in diff.get("dictionary_item_removed", []):
        removed[tuple(item.path(output_format="list"))] = item.t1
    for item in diff.get("dictionary_item_added", []):
        added[tuple(item.path(output_format="list"))] = item.t2
    # a rename: the same body under a new id in the same collection
    for old, body in list(removed.items()):
        for new, other in list(added.items()):
            if old[:-1] == new[:-1] and len(old) == 2 and old[0] in _KEYED and body == other:
                changes.append(
                    StructuralChange(
                        change="renamed",
                        path=_render(old),
                        a=old[-1],
                        b=new[-1],
                        a_at=_at(doc_a, ka, old),
                        b_at=_at(doc_b, kb, new),
                    )
                )
                del removed[old], added[new]
                break
    for path, value in removed.items():
        changes.append(
            StructuralChange(
                change="removed", path=_render(path), a=value, a_at=_at(doc_a, ka, path), provenance_only=_prov(path)
            )
        )
    for path, value in added.items():
        changes.append(
            StructuralChange(
                change="added", path=_render(path), b=value, b_at=_at(doc_b, kb, path), provenance_only=_prov(path)
            )
        )
    listed: set[Path] = set()
    for kind in ("values_changed", "type_changes", "iterable_item_added", "iterable_item_removed"):
        for item in diff.get(kind, []):
            path = tuple(item.path(output_format="list"))
            if kind.startswith("iterable"):
                # a list's items changed: report the list as a whole, once
                path = path[:-1]
                if path in listed:
                    continue
                listed.add(path)
                old, new = _get(ka.tree, path), _get(kb.tree, path)
            else:
                old, new = item.t1, item.t2
            changes.append(
                StructuralChange(
                    change="changed",
                    path=_render(path),
                    a=old,
                    b=new,
                    a_at=_at(doc_a, ka, path),
                    b_at=_at(doc_b, kb, path),
                    provenance_only=_prov(path),
                )
            )
    changes.extend(_moves(ka, kb, doc_a, doc_b))
    return sorted(changes, key=lambda c: (c.provenance_only, _order(c)))


def _prov(path: Path) -> bool:
    return any(seg in _PROVENANCE for seg in path if isinstance(seg, str))


def _get(tree: Any, path: Path) -> Any:
    for seg in path:
        try:
            tree = tree[seg]
        except (KeyError, IndexError, TypeError):
            return None
    return tree


def _order(change: StructuralChange) -> tuple[str, str]:
    return (change.path, change.change)


def _moves(ka: _Keyed, kb: _Keyed, doc_a: YamlDocument | None, doc_b: YamlDocument | None) -> list[StructuralChange]:
    """Rules whose place among the rules both plans have changed (first match: order decides)."""
    common = set(ka.rule_order) & set(kb.rule_order)
    order_a = [r for r in ka.rule_order if r in common]
    order_b = [r for r in kb.rule_order if r in common]
    # the longest run of rules kept in order stands still; every other common rule moved
    kept: set[str] = set()
    for block in difflib.SequenceMatcher(a=order_a, b=order_b, autojunk=False).get_matching_blocks():
        kept.update(order_a[block.a : block.a + block.size])
    out: list[StructuralChange] = []
    for rid in order_a:
        if rid not in kept:
            pa, pb = ka.rule_order.index(rid) + 1, kb.rule_order.index(rid) + 1
            out.append(
                StructuralChange(
                    change="moved",
                    path=_render(("rules", rid)),
                    a=f"{_ordinal(pa)} rule",
                    b=f"{_ordinal(pb)} rule",
                    a_at=_at(doc_a, ka, ("rules", rid)),
                    b_at=_at(doc_b, kb, ("rules", rid)),
                )
            )
    return out


# --- rules before and after -----------------------------------------------------------------

RULE_FIELDS = ("id", "when", "next", "notify", "legal_basis")
"""What a rule's before and after show: when it holds, who acts next and at which step, who is
told, on what legal basis (and any other field a change touched)."""
_RULE_PATH = re.compile(r"^rules\[id=(?P<id>[^\]]+)\](?:\.(?P<field>[A-Za-z_]+))?")
_CATCH_ALL_PATH = re.compile(r"^catch_all(?:\.(?P<field>[A-Za-z_]+))?")


def _written(plan: Plan, doc: YamlDocument | None, rid: str | None) -> dict[str, Any] | None:
    """A rule (``rid``; None: the catch-all) as its file writes it, else as the plan holds it."""
    data = doc.data if doc is not None and isinstance(doc.data, dict) else {}
    dumped = plan.model_dump(mode="json", by_alias=True, exclude_defaults=True)
    for source in (data, dumped):
        if rid is None:
            found = source.get("catch_all")
            if isinstance(found, dict):
                return found
            continue
        rules = source.get("rules")
        for rule in rules if isinstance(rules, list) else []:
            if isinstance(rule, dict) and rule.get("id") == rid:
                return rule
    return None


def _without_provenance(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _without_provenance(v) for k, v in value.items() if k not in _PROVENANCE}
    if isinstance(value, list):
        return [_without_provenance(v) for v in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)  # a date or a time YAML read: as written


def _fields(rule: dict[str, Any], touched: set[str]) -> dict[str, Any]:
    """The rule's :data:`RULE_FIELDS` and any other field a change touched, provenance left out."""
    others = sorted(k for k in touched if k not in RULE_FIELDS and k not in _PROVENANCE)
    return {k: _without_provenance(rule[k]) for k in (*RULE_FIELDS, *others) if k in rule}


def rule_changes(
    a: Plan, doc_a: YamlDocument | None, b: Plan, doc_b: YamlDocument | None, changes: list[StructuralChange]
) -> list[RuleChange]:
    """Each rule both plans have (same id, or renamed) that a content change touched, before and
    after, in the order of B's rules (the catch-all last)."""
    renamed = {c.b: c.a for c in changes if c.change == "renamed" and c.path.startswith("rules[")}
    touched: dict[str | None, set[str]] = {}  # B's id (None: catch-all) -> fields changed
    for c in changes:
        if c.provenance_only or c.change in ("moved", "renamed"):
            continue
        found = _RULE_PATH.match(c.path)
        if found is not None:
            rid: str | None = found["id"]
            if found["field"] is None:
                continue  # a whole rule added or removed: no before and after to set side by side
        elif (found := _CATCH_ALL_PATH.match(c.path)) is not None:
            rid = None
        else:
            continue
        touched.setdefault(rid, set()).update([found["field"]] if found["field"] else [])
    for new in renamed:
        touched.setdefault(new, set())
    ka, kb = _Keyed(a), _Keyed(b)
    order = {rid: i for i, rid in enumerate(kb.rule_order)}
    out: list[RuleChange] = []
    for rid in sorted(touched, key=lambda r: order.get(r, len(order)) if r is not None else len(order) + 1):
        old_id = renamed.get(rid, rid) if rid is not None else None
        before, after = _written(a, doc_a, old_id), _written(b, doc_b, rid)
        if before is None or after is None:
            continue
        fields = touched[rid]
        if rid is None:
            at_a = _at(doc_a, ka, ("catch_all",))
            at_b = _at(doc_b, kb, ("catch_all",))
        else:
            at_a = _at(doc_a, ka, ("rules", old_id))
            at_b = _at(doc_b, kb, ("rules", rid))
        out.append(
            RuleChange(
                rule=rid if rid is not None else "catch_all",
                a=_fields(before, fields),
                b=_fields(after, fields),
                a_at=at_a,
                b_at=at_b,
            )
        )
    return out
