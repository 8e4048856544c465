"""The action card "Er du bekymret?": generated from the plan, Danish by default, one A4 page, plan text escaped."""

from __future__ import annotations

import datetime as dt
import html
import re
from html.parser import HTMLParser
from typing import Any

import markupsafe
import pytest

import beredskab
from beredskab.audit import card as card_module
from beredskab.audit.card import CARD_FORMATS, render_card
from beredskab.plan import compile_plan
from beredskab.spec.model import Source
from conftest import CHROMIUM, SLUGS, playwright_with_chromium

# a fixed day: the cards route concerns on the days after it, never on today
MONDAY = dt.date(2026, 11, 23)
_VOID = {"meta", "br", "hr", "img", "link", "input", "col", "area", "base", "wbr", "source"}


class _Page(HTMLParser):
    """Parses a page and checks that every element it opens it closes, in order."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[str] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.style = ""
        self.text: list[str] = []
        self._in_style = False
        self.errors: list[str] = []
        self._ids: list[str] = []
        self.by_id: dict[str, list[str]] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag in _VOID:
            return
        self.open.append(tag)
        ident = dict(attrs).get("id")
        self._ids.append(ident or "")
        if ident:
            self.by_id[ident] = []
        self._in_style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        if tag in _VOID:
            return
        if not self.open or self.open[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.open[-1] if self.open else 'nothing'}")
            return
        self.open.pop()
        self._ids.pop()
        self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.style += data
            return
        self.text.append(data)
        for ident in self._ids:
            if ident:
                self.by_id[ident].append(data)

    def section(self, ident: str) -> str:
        return " ".join(" ".join(self.by_id[ident]).split())


def _parse(page: str) -> _Page:
    parser = _Page()
    parser.feed(page)
    parser.close()
    assert parser.errors == [] and parser.open == [], (parser.errors, parser.open)
    return parser


def _with(plan: beredskab.Plan, edit: Any) -> beredskab.Plan:
    """A copy of ``plan`` changed by ``edit(data)``, checked and compiled again."""
    data = plan.model_dump(by_alias=True, exclude_unset=True)
    edit(data)
    return compile_plan(beredskab.Plan.model_validate(data))


# --- Køge: the numbers, the address, the language ------------------------------------------


def test_the_koege_card_shows_112_114_and_the_infohus_mail_in_danish(plans: dict[str, beredskab.Plan]) -> None:
    page = render_card(plans["koege"], "html", as_of=MONDAY)
    parsed = _parse(page)
    acute = parsed.section("acute")
    assert "112" in acute and "114" not in acute  # 114 is the police's non-emergency line
    assert parsed.section("non-emergency") == "Politiets ikke-akutte nummer: 114 *"
    assert "infohuskoege@koege.dk" in parsed.section("not-acute")
    assert "<h1>Er du bekymret?</h1>" in page and 'lang="da"' in page
    assert "Are you worried" not in page and "Not acute" not in page
    # the municipality, the plan and its revision date
    assert "Køge Kommune" in page and "Handleplan for Infohus Køge 2024-2027" in page
    assert "revideret januar 2024" in " ".join(" ".join(parsed.text).split())
    # the hours in words, from the plan's (assumed) municipal schedule, marked where shown
    assert "Åbent (antaget)<sup" in page and "*</sup>: man-tor 8-15, fre 8-13" in page
    # what happens next: the plan's step names along the expected course
    course = parsed.section("next")
    for step in ("reception", "police_assessment", "infohus_assessment"):
        assert plans["koege"].steps[step].name in course


def test_english_on_request(plans: dict[str, beredskab.Plan]) -> None:
    page = render_card(plans["koege"], "html", lang="en", as_of=MONDAY)
    assert "<h1>Are you worried?</h1>" in page and 'lang="en"' in page
    # the card's own words are English; the plan's text (its advice, what happens next) stays
    # as the plan writes it
    own = page
    plan = plans["koege"]
    for text in [a.advice for a in plan.audiences.values()] + [a.text for a in plan.after_contact]:
        own = own.replace(str(markupsafe.escape(text)), "")
    assert "Er du bekymret?" not in own and "Ikke akut" not in own and "Åbent" not in own
    assert "Mon-Thu 8-15, Fri 8-13" in page and "Open (assumed)" in page
    assert "The police's non-emergency number: 114" in " ".join(_parse(page).section("non-emergency").split())
    assert "112" in page and "114" in page and "infohuskoege@koege.dk" in page
    md = render_card(plans["koege"], "markdown", lang="en", as_of=MONDAY)
    assert md.startswith("# Are you worried?") and "# Er du bekymret?" not in md


def test_the_default_is_danish_and_today(plans: dict[str, beredskab.Plan]) -> None:
    assert render_card(plans["koege"], "markdown").startswith("# Er du bekymret?")


def test_the_page_is_self_contained_a4_without_scripts(plans: dict[str, beredskab.Plan]) -> None:
    page = render_card(plans["koege"], "html", as_of=MONDAY)
    parsed = _parse(page)
    assert re.search(r"@page\s*\{[^}]*size:\s*A4", parsed.style)
    tags = [t for t, _ in parsed.tags]
    assert "script" not in tags and "link" not in tags and "img" not in tags
    assert "@import" not in parsed.style and "url(" not in parsed.style
    assert not [a for _, attrs in parsed.tags for k, a in attrs.items() if k in ("src", "href")]


# --- never drifts from the plan -------------------------------------------------------------


def test_a_changed_contact_changes_the_card(plans: dict[str, beredskab.Plan]) -> None:
    def edit(data: dict[str, Any]) -> None:
        contacts = data["actors"]["infohus_koege"]["contacts"]
        assert contacts[0]["value"] == "infohuskoege@koege.dk"
        contacts[0]["value"] = "bekymring@koege.example"

    changed = _with(plans["koege"], edit)
    for fmt in CARD_FORMATS:
        page = render_card(changed, fmt, as_of=MONDAY)
        assert "bekymring@koege.example" in page
        # only the plan's own advice, quoted as it is written, still names the old address
        for text in [a.advice for a in changed.audiences.values()]:
            page = page.replace(str(markupsafe.escape(text)) if fmt == "html" else text, "")
        assert "infohuskoege@koege.dk" not in page.replace("\\", "")


def test_the_days_are_real_and_skip_public_holidays(plans: dict[str, beredskab.Plan]) -> None:
    # Christmas Day 2026 is a Friday, Boxing Day a Saturday: the next working day is Monday
    # 28 December, the next Saturday that is no holiday 2 January 2027
    md = render_card(plans["koege"], "markdown", as_of=dt.date(2026, 12, 25))
    assert "mandag 28.12.2026 kl. 10.00" in md and "mandag 28.12.2026 kl. 20.00" in md
    assert "lørdag 2.1.2027 kl. 12.00" in md
    en = render_card(plans["koege"], "markdown", lang="en", as_of=MONDAY)
    assert "Monday 23/11/2026 at 10:00" in en and "Saturday 28/11/2026 at 12:00" in en


def test_the_not_acute_cells_follow_routing(plans: dict[str, beredskab.Plan]) -> None:
    # Køge: children via the web form in every column, adults and unknown age share a row
    parsed = _parse(render_card(plans["koege"], "html", as_of=MONDAY))
    table = parsed.section("not-acute")
    assert "koege.dk" in table and "alder ukendt" in table
    assert table.count("infohuskoege@koege.dk") == 1  # the two bands answered alike: one row
    assert "lukket: svarer, når de åbner igen" in table  # in the evening the office is closed
    # København: outside the unit's hours the national hotline takes the concern meanwhile
    kbh = _parse(render_card(plans["kbh"], "html", as_of=MONDAY)).section("not-acute")
    assert "Mens de har lukket:" in kbh and "4174 9090" in kbh


def test_the_national_hotline_comes_from_the_catalogue_when_the_plan_lacks_it(
    plans: dict[str, beredskab.Plan],
) -> None:
    koege = _parse(render_card(plans["koege"], "html", as_of=MONDAY))
    assert "4174 9090" in koege.section("hotline") and "nævnes ikke i denne plan" in koege.section("hotline")
    randers = _parse(render_card(plans["randers"], "html", as_of=MONDAY))
    assert "4174 9090" in randers.section("hotline") and "nævnes ikke" not in randers.section("hotline")


# --- issue 18: the card is honest where it shows things -------------------------------------


def _md_without_citizens_and_assumptions(md: str) -> str:
    sections = re.split(r"^(?=## )", md, flags=re.M)
    kept = [part for part in sections if not part.startswith(("## Er du borger", "## A citizen"))]
    return "\n".join(line for line in "".join(kept).splitlines() if not line.startswith(("Kortet bygger", "The card")))


def test_112_alone_is_acute_and_114_only_where_the_plan_lists_it(
    plans: dict[str, beredskab.Plan], minimal_plan: beredskab.Plan
) -> None:
    for slug in SLUGS:
        plan = plans[slug]
        listed = card_module._plan_lists(plan, "police_114")
        assert listed == (slug == "koege"), slug  # only Køge's plan lists police_114
        for lang in ("da", "en"):
            page = render_card(plan, "html", lang=lang, as_of=MONDAY)
            parsed = _parse(page)
            acute = parsed.section("acute")
            assert "112" in acute and "114" not in acute, (slug, lang)
            assert ("non-emergency" in parsed.by_id) == listed, (slug, lang)
            md = render_card(plan, "markdown", lang=lang, as_of=MONDAY)
            heading = next(line for line in md.splitlines() if line.startswith("## ") and "112" in line)
            assert heading.endswith(": 112") and "114" not in heading, (slug, lang)
            # a plan actor's own 114 contact (Randers' police, for citizens) and the assumptions
            # line may name the number; the police's non-emergency line is shown only where listed
            assert ("114" in _md_without_citizens_and_assumptions(md)) == listed, (slug, lang)
            rest = " ".join(" ".join(parsed.text).split())
            for ident in ("citizens", "assumptions"):
                rest = rest.replace(parsed.section(ident), "")
            assert ("114" in rest) == listed, (slug, lang)
    md = render_card(plans["koege"], "markdown", as_of=MONDAY)
    assert "Politiets ikke-akutte nummer: **114**\\*" in md
    en = _parse(render_card(plans["koege"], "html", lang="en", as_of=MONDAY)).section("non-emergency")
    assert en == "The police's non-emergency number: 114 *"
    # a plan that lists police_114 and routes an acute concern to it: still not an acute number
    assert not card_module._plan_lists(minimal_plan, "police_114")

    def route_to_114(data: dict[str, Any]) -> None:
        data["national_actors"].append("police_114")
        data["rules"][0]["next"].append({"actor": "police_114", "step": "police_assessment"})

    routed = _with(minimal_plan, route_to_114)
    assert card_module._plan_lists(routed, "police_114")
    parsed = _parse(render_card(routed, "html", as_of=MONDAY))
    assert "114" not in parsed.section("acute") and "114" in parsed.section("non-emergency")


def test_assumed_hours_are_marked_where_they_are_shown(
    plans: dict[str, beredskab.Plan], minimal_plan: beredskab.Plan
) -> None:
    # Randers: Infohus Randers' hours are assumed, marked beside them; the line manager has
    # assumed hours and no contact: the card claims no hours for the manager at all
    page = render_card(plans["randers"], "html", as_of=MONDAY)
    table = _parse(page).section("not-acute")
    assert "Åbent (antaget) * : man-tor 8-15, fre 8-13" in table
    assert "Åbent: man-tor" not in table
    manager = table.split("Nærmeste leder", 1)[1].split("Infohus Randers", 1)[0]
    assert "Åbningstid: står ikke i planen" in manager and "8-15" not in manager
    # the hotline's hours are quoted from the catalogue: no mark
    assert "Åbent: alle dage 8-22" in table
    md = render_card(plans["randers"], "markdown", as_of=MONDAY)
    assert "Åbent (antaget)\\*: man-tor 8-15, fre 8-13" in md
    assert "- (A) **Nærmeste leder**\n  - *Ingen kontakt i planen.*\n  - *Åbningstid: står ikke i planen*\n" in md
    assert "- Åbent: man-tor" not in md
    en = render_card(plans["randers"], "markdown", lang="en", as_of=MONDAY)
    assert "Open (assumed)\\*: Mon-Thu 8-15, Fri 8-13" in en and "*Hours: not in the plan*" in en
    # no card claims assumed hours as a fact
    for slug in SLUGS:
        for fmt in CARD_FORMATS:
            text = render_card(plans[slug], fmt, as_of=MONDAY)  # type: ignore[arg-type]
            assert "Åbent: man-tor" not in text, (slug, fmt)

    # cited hours stay a plain "Open:"; a contact's own assumed hours are marked too
    def cite(data: dict[str, Any]) -> None:
        hours = data["schedules"]["municipal_hours"]
        hours.pop("assumed")
        hours.pop("note")
        hours["source"] = {"section": "1"}

    cited = render_card(_with(minimal_plan, cite), "markdown", as_of=MONDAY)
    assert "  - Åbent: man-tor 8-15, fre 8-13" in cited and "antaget" not in cited.split("---")[0]

    def assume_contact_hours(data: dict[str, Any]) -> None:
        data["schedules"]["mail_hours"] = {
            "name": "Mailens åbningstid",
            "weekly": {"mon": ["00:00-24:00"]},
            "assumed": True,
            "note": "Test.",
        }
        data["actors"]["infohus"]["contacts"][0]["schedule"] = "mail_hours"

    md = render_card(_with(minimal_plan, assume_contact_hours), "markdown", as_of=MONDAY)
    assert "infohus@testby.dk** (antaget: man 0-24; lukket på helligdage\\*)" in md


def test_an_escalation_is_meanwhile_only_while_it_is_open(minimal_plan: beredskab.Plan) -> None:
    # the minimal plan: out of hours, the national hotline (open 8-22 daily) takes the concern
    md = render_card(minimal_plan, "markdown", as_of=MONDAY)
    assert "*Mens de har lukket:* (B) åbent" in md
    # escalate to an office that keeps the same hours instead: it is closed too, and shown so

    def escalate_to_closed(data: dict[str, Any]) -> None:
        rule = next(r for r in data["rules"] if r["id"] == "after-hours")
        rule["next"][0]["escalation"][0]["actor"] = "children"

    closed = _with(minimal_plan, escalate_to_closed)
    for fmt in CARD_FORMATS:
        for lang, meanwhile in (("da", "Mens de har lukket"), ("en", "While they are closed")):
            text = render_card(closed, fmt, lang=lang, as_of=MONDAY)  # type: ignore[arg-type]
            assert meanwhile not in text, (fmt, lang)
    md = render_card(closed, "markdown", as_of=MONDAY)
    evening = next(line for line in md.splitlines() if line.startswith("- **Hverdag kl.\xa020"))
    assert evening.endswith("(A) lukket: svarer, når de åbner igen; (B) lukket: svarer, når de åbner igen"), evening
    table = _parse(render_card(closed, "html", as_of=MONDAY)).section("not-acute")
    assert "B lukket: svarer, når de åbner igen" in table


def test_the_column_titles_read_naturally(plans: dict[str, beredskab.Plan]) -> None:
    da = _parse(render_card(plans["koege"], "html", as_of=MONDAY)).section("not-acute")
    for title in ("Hverdag kl. 10", "Hverdag kl. 20", "Lørdag kl. 12"):
        assert title in da
    assert "middag" not in da and "Hverdag, " not in da
    en = _parse(render_card(plans["koege"], "html", lang="en", as_of=MONDAY)).section("not-acute")
    for title in ("Weekday 10:00", "Weekday 20:00", "Saturday 12:00"):
        assert title in en
    md = render_card(plans["koege"], "markdown", as_of=MONDAY)
    assert "- **Hverdag kl.\xa020; Lørdag kl.\xa012:** lukket" in md  # "kl. 20" kept together


def test_a_deadline_assumption_only_where_the_decision_has_a_deadline(minimal_plan: beredskab.Plan) -> None:
    def assume_deadline(data: dict[str, Any]) -> None:
        deadline = next(r for r in data["rules"] if r["id"] == "intake")["next"][0]["deadline"]
        deadline.pop("source")
        deadline["assumed"] = True
        deadline["note"] = "Test: the text gives no deadline."

    # a professional's concern carries no severity, and the deadline has no time for it: no
    # act_by, so no deadline assumption, in either format or language
    assumed = _with(minimal_plan, assume_deadline)
    decision = assumed.route(
        {
            "acute": False,
            "age": 30,
            "reporter": "professional",
            "step": "intake",
            "received_at": "2026-11-23T10:00:00+01:00",
        }
    )
    assert decision.rules[0] == "intake" and all(a.act_by is None for a in decision.next)
    for lang, word in (("da", "frist"), ("en", "deadline")):
        for fmt in CARD_FORMATS:
            text = render_card(assumed, fmt, lang=lang, as_of=MONDAY)  # type: ignore[arg-type]
            assert word not in text.lower(), (fmt, lang)

    # with a time for an unknown severity the decision has an act_by: then it is listed
    def with_unknown(data: dict[str, Any]) -> None:
        assume_deadline(data)
        next(r for r in data["rules"] if r["id"] == "intake")["next"][0]["deadline"]["by_severity"]["unknown"] = "PT24H"

    line = _parse(render_card(_with(minimal_plan, with_unknown), "html", as_of=MONDAY)).section("assumptions")
    assert "fristen for Infohus Testby" in line


# --- plan text is data ----------------------------------------------------------------------

SCRIPT = "<script>alert(1)</script>"


def test_plan_text_is_escaped(plans: dict[str, beredskab.Plan]) -> None:
    def edit(data: dict[str, Any]) -> None:
        data["actors"]["infohus_koege"]["name"] = f"Infohus {SCRIPT} | x"
        data["document"]["title"] = f"Plan {SCRIPT}"

    hostile = _with(plans["koege"], edit)
    page = render_card(hostile, "html", as_of=MONDAY)
    assert "<script" not in page
    assert html.escape(SCRIPT, quote=False) in page  # &lt;script&gt;alert(1)&lt;/script&gt;
    assert "script" not in [t for t, _ in _parse(page).tags]
    md = render_card(hostile, "markdown", as_of=MONDAY)
    assert "<script" not in md and "&lt;script&gt;" in md
    assert "Infohus &lt;script&gt;alert(1)&lt;/script&gt; \\| x" in md  # no table break either


# --- the assumptions line -------------------------------------------------------------------


def test_the_assumptions_line_names_the_assumed_facts_used(plans: dict[str, beredskab.Plan]) -> None:
    line = _parse(render_card(plans["koege"], "html", as_of=MONDAY)).section("assumptions")
    assert line.startswith("Kortet bygger på 5 antagelser, som planens tekst ikke siger:")
    assert "planens adresse" in line  # Køge's address is known, but not from its text
    # the rule for an unknown age, the unknown-age band, the office hours, 114's hours
    assert "reglen not-acute-otherwise-infohus-mail" in line
    assert "aldersgruppen alder ukendt" in line
    assert "Køge Kommunes åbningstid (åbningstid)" in line
    assert "Politiet, 114" in line
    # cited facts are not listed
    assert "alarmcentralen" not in line and "Infohus Køge (Infohus" not in line

    # an actor the card uses, marked assumed, joins the list
    def edit(data: dict[str, Any]) -> None:
        actor = data["actors"]["infohus_koege"]
        del actor["source"]
        actor["assumed"] = True
        actor["note"] = "Test: the text does not name it."

    more = _parse(render_card(_with(plans["koege"], edit), "html", as_of=MONDAY)).section("assumptions")
    assert more.startswith("Kortet bygger på 6 antagelser") and "Infohus Køge (Infohus kommune – Køge)" in more
    en = _parse(render_card(plans["koege"], "html", lang="en", as_of=MONDAY)).section("assumptions")
    assert en.startswith("The card rests on 5 assumptions the plan's text does not state:")


def test_a_card_without_assumptions_says_so(minimal_plan: beredskab.Plan, monkeypatch: pytest.MonkeyPatch) -> None:
    def cite(data: dict[str, Any]) -> None:
        for item in (data["schedules"]["municipal_hours"], data["age_bands"]["unknown"]):
            item.pop("assumed")
            item.pop("note")
            item["source"] = {"section": "1"}

    cited = _with(minimal_plan, cite)
    national = card_module.load_national()
    police = national.actors["police_114"].model_copy(
        update={"assumed": False, "note": None, "source": Source(section="1")}
    )
    quoted = national.model_copy(update={"actors": {**national.actors, "police_114": police}})
    monkeypatch.setattr(card_module, "load_national", lambda: quoted)
    line = _parse(render_card(cited, "html", as_of=MONDAY)).section("assumptions")
    assert line == "Kortet bygger kun på oplysninger, der er citeret fra planens tekst."
    # the minimal plan as shipped rests on its assumed hours and unknown-age band
    line = _parse(render_card(minimal_plan, "html", as_of=MONDAY)).section("assumptions")
    assert "Kommunens åbningstid (åbningstid)" in line and "aldersgruppen ukendt" in line


# --- every shipped plan ---------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["da", "en"])
@pytest.mark.parametrize("fmt", CARD_FORMATS)
@pytest.mark.parametrize("slug", SLUGS)
def test_every_plan_renders(plans: dict[str, beredskab.Plan], slug: str, fmt: str, lang: str) -> None:
    plan = plans[slug]
    page = render_card(plan, fmt, lang=lang, as_of=MONDAY)  # type: ignore[arg-type]
    assert plan.municipality.name in page
    assert "112" in page and "4174 9090" in page
    assert ("Er du bekymret?" if lang == "da" else "Are you worried?") in page
    if fmt == "html":
        table = _parse(page).section("not-acute")
        any_age = "Alle aldre" if lang == "da" else "Any age"
        # every age band has its row, or shares the one row of a plan that answers every age alike
        assert all(band.label in table for band in plan.age_bands.values()) or table.count(any_age) == 1


def test_the_minimal_plan_renders_its_contact_hours_and_closing_days(minimal_plan: beredskab.Plan) -> None:
    md = render_card(minimal_plan, "markdown", as_of=MONDAY)
    # the e-mail has its own schedule (always), the office closes on 24 December and at noon on 5 June
    assert "infohus@testby.dk** (døgnet rundt)" in md
    assert "lukket på helligdage, 24.12., 5.6. fra kl. 12" in md


def test_bad_format_or_language_is_refused(minimal_plan: beredskab.Plan) -> None:
    with pytest.raises(ValueError, match="html, markdown"):
        render_card(minimal_plan, "pdf", as_of=MONDAY)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="da, en"):
        render_card(minimal_plan, "html", lang="sv", as_of=MONDAY)


# --- one A4 page, in a browser --------------------------------------------------------------


def test_every_card_prints_on_one_a4_page(plans: dict[str, beredskab.Plan], tmp_path: Any) -> None:
    with playwright_with_chromium() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            page = browser.new_page()
            for slug in SLUGS:
                for lang in ("da", "en"):
                    file = tmp_path / f"{slug}-{lang}.html"
                    file.write_text(render_card(plans[slug], "html", lang=lang, as_of=MONDAY), encoding="utf-8")
                    page.goto(file.as_uri())
                    pdf = page.pdf(prefer_css_page_size=True)
                    pages = len(re.findall(rb"/Type\s*/Page(?!s)", pdf))
                    assert pages == 1, f"{slug} ({lang}): {pages} pages"
        finally:
            browser.close()
