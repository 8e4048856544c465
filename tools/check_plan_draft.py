"""Draft checker for plan authors while the full loader is built: schema + refs + quotes."""
from __future__ import annotations
import re, sys, pathlib, yaml
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "src"))
from beredskab.model import PlanSpec, NationalCatalogue  # noqa: E402

def norm(s): return re.sub(r"\s+", " ", s).strip()

def main(path):
    raw = yaml.safe_load(open(path, encoding="utf-8"))
    spec = PlanSpec.model_validate(raw)
    nat = NationalCatalogue.model_validate(yaml.safe_load(open(pathlib.Path(__file__).resolve().parents[1] / "src/beredskab/data/national.yaml", encoding="utf-8")))
    seeds = pathlib.Path(__file__).resolve().parents[2] / "shared" / "seeds"
    seed_text = norm((seeds / spec.document.seed).read_text(encoding="utf-8"))
    errs = []
    actors = dict(spec.actors); schedules = dict(spec.schedules)
    for a in spec.national_actors:
        if a not in nat.actors: errs.append(f"unknown national actor {a}")
        else: actors[a] = nat.actors[a]; 
    schedules.update(nat.schedules)
    for aid, a in actors.items():
        if a.schedule not in schedules: errs.append(f"actor {aid}: unknown schedule {a.schedule}")
        for c in a.contacts:
            if c.schedule and c.schedule not in schedules: errs.append(f"actor {aid}: contact schedule {c.schedule}")
    def walk_cond(c, where):
        if c is None: return
        for b in c.age_band or []:
            if b not in spec.age_bands: errs.append(f"{where}: unknown age band {b}")
        for s in c.step or []:
            if s not in spec.steps: errs.append(f"{where}: unknown step {s}")
        for s in (c.open or {}):
            if s not in schedules: errs.append(f"{where}: unknown schedule {s}")
        for sub in (c.all or []) + (c.any or []): walk_cond(sub, where)
        walk_cond(c.not_, where)
    def walk_actions(acts, where):
        for a in acts:
            if a.actor not in actors: errs.append(f"{where}: unknown actor {a.actor}")
            if a.step not in spec.steps: errs.append(f"{where}: unknown step {a.step}")
            for e in a.escalation:
                if e.actor not in actors: errs.append(f"{where}: unknown escalation actor {e.actor}")
    ids = set()
    for r in spec.rules:
        if r.id in ids: errs.append(f"duplicate rule id {r.id}")
        ids.add(r.id)
        walk_cond(r.when, r.id); walk_actions(r.next + r.notify, r.id)
    walk_actions(spec.catch_all.next + spec.catch_all.notify, "catch_all")
    # quotes verbatim
    def quotes(o, where="plan"):
        if isinstance(o, dict):
            src = o.get("source")
            if isinstance(src, dict) and src.get("quote") and not src.get("seed"):
                if norm(src["quote"]) not in seed_text: errs.append(f"{where}: quote not verbatim in seed: {src['quote'][:80]!r}")
            for k, v in o.items(): quotes(v, f"{where}.{k}")
        elif isinstance(o, list):
            for i, v in enumerate(o): quotes(v, f"{where}[{i}]")
    quotes(raw)
    # bands cover 0..130 once, one unknown
    cover = [0]*131; unk = 0
    for b in spec.age_bands.values():
        if b.unknown: unk += 1
        else:
            for a in range(b.min, b.max+1): cover[a] += 1
    if unk != 1: errs.append("exactly one unknown age band needed")
    bad = [a for a, n in enumerate(cover) if n != 1]
    if bad: errs.append(f"ages not covered exactly once: {bad[:10]}")
    for e in errs: print("ERROR", e)
    print("OK" if not errs else f"{len(errs)} errors")
    return 1 if errs else 0

if __name__ == "__main__":
    sys.exit(max(main(p) for p in sys.argv[1:]))
