"""``beredskab report``: a self-contained static site, opened in headless Chromium as a reader would."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import subprocess
from html import unescape
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from beredskab.audit.report import build_report, write_report
from beredskab.cli import main
from conftest import CHROMIUM, PLANS, playwright_with_chromium

AS_OF = "2026-12-01"
SHOTS = Path(os.environ.get("BEREDSKAB_SCREENSHOTS", "")) if os.environ.get("BEREDSKAB_SCREENSHOTS") else None


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.srcs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value and name == "href":
                self.hrefs.append(value)
            if value and name == "src":
                self.srcs.append(value)


def _hostile_plans(tmp_path: Path) -> Path:
    """The five plans, Køge's explanation of its first rule carrying a script."""
    folder = tmp_path / "plans"
    folder.mkdir()
    for f in PLANS.glob("*.yaml"):
        if not f.name.endswith(".examples.yaml"):
            shutil.copy(f, folder / f.name)
    text = (folder / "koege.yaml").read_text(encoding="utf-8")
    text = text.replace("    explanation: ", "    explanation: <script>alert('x')</script> ", 1)
    (folder / "koege.yaml").write_text(text, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("report")
    plans = _hostile_plans(tmp)
    out = tmp / "site"
    assert main(["report", str(plans), "-o", str(out), "--as-of", AS_OF]) == 0
    return out


def test_the_site_has_every_page_and_every_link_resolves(site: Path) -> None:
    pages = sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))
    slugs = ["broendby", "herning", "kbh", "koege", "randers"]
    rules = [f"rules/{s}/{r}.html" for s in slugs for r in _rule_ids(s)]
    assert pages == sorted(
        ["index.html", *(f"plans/{s}.html" for s in slugs), *(f"cards/{s}.html" for s in slugs), *rules]
    )
    for page in site.rglob("*.html"):
        parser = _Links()
        parser.feed(page.read_text(encoding="utf-8"))
        for href in parser.hrefs:
            assert not re.match(r"^(https?:)?//", href), f"{page}: {href} needs the network"
            target = href.split("#")[0]
            if target:
                assert (page.parent / target).resolve().is_file(), f"{page}: broken link {href}"
        assert not parser.srcs, f"{page}: loads {parser.srcs}"  # no external scripts, images or fonts


def test_plan_text_is_never_inserted_unescaped(site: Path) -> None:
    for page in site.rglob("*.html"):
        assert "<script>alert" not in page.read_text(encoding="utf-8"), page


def test_nothing_is_written_when_a_plan_is_bad(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    plans = tmp_path / "plans"
    plans.mkdir()
    shutil.copy(PLANS / "koege.yaml", plans / "koege.yaml")
    (plans / "bad.yaml").write_text("format: 1\nmunicipality: [\n", encoding="utf-8")
    out = tmp_path / "site"
    assert main(["report", str(plans), "-o", str(out)]) == 2
    assert re.search(r"bad\.yaml:\d+:\d+: fejl", capsys.readouterr().err)
    assert not out.exists()
    assert list(tmp_path.iterdir()) == [plans]  # no staging folder left behind


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_a_diff_page_with_previous(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = tmp_path / "repo"
    (repo / "plans").mkdir(parents=True)
    plan = repo / "plans" / "koege.yaml"
    shutil.copy(PLANS / "koege.yaml", plan)
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid"]
    subprocess.run([*git, "init", "-q"], cwd=repo, check=True)
    subprocess.run([*git, "add", "."], cwd=repo, check=True)
    subprocess.run([*git, "commit", "-qm", "plan"], cwd=repo, check=True)
    plan.write_text(plan.read_text(encoding="utf-8").replace("id: over-18-infohus-mail", "id: adults", 1), "utf-8")
    monkeypatch.chdir(repo)
    pages = build_report(["plans"], previous="HEAD", lang="en")
    assert "diff.html" in pages
    assert "rules[id=over-18-infohus-mail]" in pages["diff.html"]
    assert "structural changes only; no concern is routed differently" in pages["diff.html"]
    assert 'href="../diff.html#koege"' in pages["plans/koege.html"]
    write_report(pages, repo / "site")
    assert (repo / "site" / "diff.html").is_file()


def _first_rule() -> str:
    from beredskab import load_plan

    return load_plan(PLANS / "koege.yaml").rules[0].id


def _rule_ids(slug: str) -> list[str]:
    """Every rule of the plan, and the catch-all where it can decide (a page each)."""
    from beredskab import load_plan
    from beredskab.analysis.space import DecisionSpace, partition

    plan = load_plan(PLANS / f"{slug}.yaml")
    owners = {r.owner for r in partition(DecisionSpace.of(plan, plan.compiled, dt.date.fromisoformat(AS_OF)))}
    return [r.id for r in plan.rules] + (["catch-all"] if None in owners else [])


def _concern(html: str) -> dict[str, Any]:
    found = re.search(r'<pre class="concern"><code>(.*?)</code></pre>', html, re.S)
    assert found, "no concern on the page"
    return dict(json.loads(unescape(found[1])))


def test_every_rule_page_draws_a_concern_it_decides(site: Path) -> None:
    from beredskab import load_plan
    from beredskab.audit.graph import concern_route

    for slug in ["broendby", "herning", "kbh", "koege", "randers"]:
        plan = load_plan(PLANS / f"{slug}.yaml")
        plan_page = (site / "plans" / f"{slug}.html").read_text(encoding="utf-8")
        for rule in plan.rules:
            page = site / "rules" / slug / f"{rule.id}.html"
            assert page.is_file(), page
            assert f'href="../rules/{slug}/{rule.id}.html"' in plan_page
            html = page.read_text(encoding="utf-8")
            assert f'href="../../plans/{slug}.html"' in html
            if "never-decides" in html:
                continue
            assert 'marker-end="url(#arrow-route)"' in html and re.search(r'<g class="edge [^"]*route"', html), page
            concern = _concern(html)
            assert plan.route(concern).rules[0] == rule.id, (page, concern)
            assert concern_route(plan, concern).decisions[0].rules[0] == rule.id
            assert f"beredskab graph {slug} --concern - &lt;&lt;&lt; " in html


def test_rule_pages_speak_danish_by_default_and_english_with_lang_en() -> None:
    da = build_report([PLANS / "koege.yaml"], as_of=dt.date(2026, 12, 1))
    en = build_report([PLANS / "koege.yaml"], lang="en", as_of=dt.date(2026, 12, 1))
    rule = _first_rule()
    page = f"rules/koege/{rule}.html"
    assert 'lang="da"' in da[page] and "Betingelse" in da[page] and "Vejen for én bekymring" in da[page]
    assert 'lang="en"' in en[page] and "Condition" in en[page] and "The route of one concern" in en[page]
    # the plan's own words stay Danish in both
    assert "Akut bekymring" in en[page]


def test_rule_page_of_a_plan_without_examples_uses_the_witness(tmp_path: Path) -> None:
    shutil.copy(PLANS / "koege.yaml", tmp_path / "koege.yaml")  # no koege.examples.yaml beside it
    pages = build_report([tmp_path / "koege.yaml"], lang="en", as_of=dt.date(2026, 12, 1))
    html = pages[f"rules/koege/{_first_rule()}.html"]
    assert "The most ordinary concern of the decision space" in html
    from beredskab import load_plan

    assert load_plan(PLANS / "koege.yaml").route(_concern(html)).rules[0] == _first_rule()


def test_a_shadowed_rule_page_says_it_never_decides(tmp_path: Path) -> None:
    text = (PLANS / "koege.yaml").read_text(encoding="utf-8")
    first = _first_rule()
    start = text.index(f"  - id: {first}\n")
    end = text.index("\n  - id: ", start + 1) + 1
    block = text[start:end]
    # the same rule again right after itself: the copy can never decide
    copy = block.replace(f"id: {first}", "id: shadowed-copy", 1).replace(
        "    explanation: ", "    explanation: <script>alert('x')</script> ", 1
    )
    (tmp_path / "koege.yaml").write_text(text[:end] + copy + text[end:], encoding="utf-8")
    pages = build_report([tmp_path / "koege.yaml"], lang="en", as_of=dt.date(2026, 12, 1))
    html = pages["rules/koege/shadowed-copy.html"]
    assert "This rule never decides" in html
    assert "arrow-route" not in html and '<pre class="concern">' not in html
    assert "<script>alert" not in html and "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in html
    assert "(never decides)" in pages["plans/koege.html"]


# --- in a browser ---------------------------------------------------------------------------


def test_every_page_renders_in_chromium(site: Path, tmp_path: Path) -> None:
    shots = SHOTS or tmp_path
    shots.mkdir(parents=True, exist_ok=True)
    with playwright_with_chromium() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            problems: list[str] = []
            page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
            page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
            page.on("requestfailed", lambda r: problems.append(f"request failed: {r.url}"))
            dialogs: list[str] = []
            page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            for html in sorted(site.rglob("*.html")):
                page.goto(html.as_uri())
                page.wait_for_load_state("load")
                name = html.relative_to(site).as_posix().replace("/", "-").removesuffix(".html")
                page.screenshot(path=str(shots / f"{name}.png"), full_page=True)
                assert page.title(), html
            assert problems == [] and dialogs == []

            # the index: the matrix, with Køge and Randers apart on a not-acute Saturday
            page.goto((site / "index.html").as_uri())
            row = page.locator("#situation-child-saturday")
            assert "national hotline" in row.inner_text().lower()
            # the links between pages resolve in the browser too
            page.click("text=Køge Kommune >> nth=0")
            assert page.url.endswith("plans/koege.html")
            svg = page.locator(".graph svg")
            assert svg.count() == 1
            drawn = svg.text_content() or ""
            from beredskab import load_plan

            for step in load_plan(PLANS / "koege.yaml").steps.values():
                assert step.name in drawn, step.name
            assert "<script>alert('x')</script>" in page.inner_text("#rule-" + _first_rule())
            # the script in an explanation shows as text, never runs
            page.goto((site / "cards" / "koege.html").as_uri())
            assert "112" in page.inner_text("body") and "infohuskoege@koege.dk" in page.inner_text("body")
            assert dialogs == []
        finally:
            browser.close()
