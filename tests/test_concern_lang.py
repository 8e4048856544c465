"""A bad event is said in the command's language: Danish by default, English with ``--lang en``.

The messages of a bad concern are message ids of the ``concern`` domain (``_errors.FieldProblem``);
the Python API and the service stay English unless a language is asked for, JSON keys and
error codes never change, and no language ever repeats an unknown key or a value sent.
"""

from __future__ import annotations

import io
import json
import sys
from typing import Any

import anyio
import httpx
import pytest

import beredskab
from beredskab import ConcernError
from beredskab.cli import main
from beredskab.serve import create_app
from conftest import PLANS, REPO

AT = "2026-11-23T10:00:00+01:00"  # a Monday, inside Køge's opening hours

# what must never be in a Danish message (the English words of the same messages)
ENGLISH = (
    "concern field",
    "did you mean",
    "input should",
    "not valid JSON",
    "appears twice",
    "needs a UTC",
    "bad event",
)


def _route(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, event: bytes, *flags: str
) -> tuple[int, str, str]:
    monkeypatch.chdir(REPO)
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(event), encoding="utf-8"))
    code = main(["route", "koege", *flags])
    out, err = capsys.readouterr()
    return code, out, err


def _both(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, event: bytes) -> tuple[str, str]:
    """The stderr of ``route koege --event -`` by default and with ``--lang en`` (both exit 2, print nothing)."""
    code_da, out_da, da = _route(capsys, monkeypatch, event, "--event", "-")
    code_en, out_en, en = _route(capsys, monkeypatch, event, "--event", "-", "--lang", "en")
    assert code_da == code_en == 2 and out_da == out_en == ""
    assert da.startswith("beredskab: ugyldig hændelse: hændelsens felt "), da
    assert en.startswith("beredskab: bad event: concern field "), en
    for word in ENGLISH:
        assert word not in da, (word, da)
    return da, en


CASES = [
    pytest.param(
        {"received_at": "2026-11-23T10:00", "acute": False},
        [
            "hændelsens felt 'received_at': mangler tidszone (forskydning fra UTC), fx 2026-11-23T10:00:00+01:00 "
            "(et tidspunkt uden tidszone er tvetydigt)"
        ],
        ["concern field 'received_at': needs a UTC offset, e.g. 2026-11-23T10:00:00+01:00 (naive times are ambiguous)"],
        id="naive-time",
    ),
    pytest.param(
        {"received_at": AT, "acute": False, "agee": 3},
        ["hændelsens felt 'concern': et ukendt felt (navnet vises ikke);", "fritekst", "(mente du 'age'?)"],
        ["concern field 'concern': an unknown field (its name is not shown);", "(did you mean 'age'?)"],
        id="unknown-field",
    ),
    pytest.param(
        {"received_at": AT, "acute": False, "age": 131},
        ["hændelsens felt 'age': må højst være 130"],
        ["concern field 'age': input should be less than or equal to 130"],
        id="age-too-high",
    ),
    pytest.param(
        {"received_at": AT, "acute": False, "age": -1},
        ["hændelsens felt 'age': skal være mindst 0"],
        ["concern field 'age': input should be greater than or equal to 0"],
        id="age-negative",
    ),
    pytest.param(
        {"received_at": AT, "acute": False, "reporter": "profesional"},
        [
            "hændelsens felt 'reporter': skal være 'professional', 'citizen', 'relative', 'police' eller 'hotline' "
            "(mente du 'professional'?)"
        ],
        [
            "concern field 'reporter': input should be 'professional', 'citizen', 'relative', 'police' or 'hotline' "
            "(did you mean 'professional'?)"
        ],
        id="misspelt-reporter",
    ),
    pytest.param(
        {"received_at": "2026-13-23T10:00:00+01:00", "acute": "yes"},
        [
            "hændelsens felt 'received_at': er ikke et gyldigt tidspunkt: måneden skal ligge mellem 1 og 12",
            "hændelsens felt 'acute': skal være true eller false",
        ],
        ["concern field 'acute': input should be a valid boolean"],
        id="bad-month-and-bool",
    ),
    pytest.param(
        {"received_at": AT},
        ["hændelsens felt 'acute': skal udfyldes"],
        ["concern field 'acute': is required"],
        id="missing",
    ),
    pytest.param(
        b'{"acute": false,\n "received_at": "2026-11-23T10:00:00+01:00" "age": 3}',
        ["hændelsens felt 'event': stdin:2:45: ikke gyldig JSON: her mangler et komma"],
        ["concern field 'event': stdin:2:45: not valid JSON: Expecting ',' delimiter"],
        id="bad-json",
    ),
    pytest.param(
        b'{"acute": false, "received_at": "2026-11-23T10:00:00+01:00", "acute": true}',
        ["hændelsens felt 'event': stdin: feltet 'acute' står to gange i samme objekt; angiv hvert felt én gang"],
        ["concern field 'event': stdin: the field 'acute' appears twice in one object; give each field once"],
        id="duplicate-key",
    ),
]


@pytest.mark.parametrize(("event", "danish", "english"), CASES)
def test_a_bad_event_is_said_in_danish_by_default_and_english_on_request(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    event: dict[str, Any] | bytes,
    danish: list[str],
    english: list[str],
) -> None:
    data = event if isinstance(event, bytes) else json.dumps(event).encode()
    da, en = _both(capsys, monkeypatch, data)
    for needle in danish:
        assert needle in da, da
    for needle in english:
        assert needle in en, en


# a key and values that are a name and a CPR number: never repeated, in any language
PRIVATE = ("Mohammed_Hansen", "cpr_0102031234", "Karen", "Ahmed", "0101901234", "x_Jens")


@pytest.mark.parametrize(
    "event",
    [
        {"received_at": AT, "acute": False, "Mohammed_Hansen": 1, "findings": {"cpr_0102031234": True}},
        {"received_at": AT, "acute": False, "reporter": "Ahmed Hansen", "severity": "Karen", "topic": "0101901234"},
        {"received_at": "Ahmed 2026-11-23", "acute": "Karen", "age": "0101901234", "findings": "Ahmed"},
        {"received_at": "2026-11-23T10:00:00 Ahmed", "acute": False, "step": 0},
    ],
    ids=["unknown-keys", "enums", "types", "time-with-text"],
)
def test_no_language_repeats_a_key_or_value_sent(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, event: dict[str, Any]
) -> None:
    da, en = _both(capsys, monkeypatch, json.dumps(event).encode())
    for private in PRIVATE:
        assert private not in da and private not in en, (private, da, en)


def test_a_duplicate_key_not_of_the_contract_is_not_named_in_either_language(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    da, en = _both(capsys, monkeypatch, b'{"acute": false, "x_Jens": 1, "x_Jens": 2}')
    assert "et felt (navnet vises ikke) står to gange" in da and "Jens" not in da
    assert "a field (its name is not shown) appears twice" in en and "Jens" not in en


def test_the_lines_of_events_say_their_messages_in_the_language_and_keep_keys_and_codes(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    lines = (
        json.dumps({"received_at": "2026-11-23T10:00", "acute": False, "Mohammed_Hansen": 1}).encode()
        + b'\n{"acute": false,\n'
        + json.dumps({"received_at": AT, "acute": False}).encode()
        + b"\n"
    )
    code_da, out_da, _ = _route(capsys, monkeypatch, lines, "--events", "-")
    code_en, out_en, _ = _route(capsys, monkeypatch, lines, "--events", "-", "--lang", "en")
    assert code_da == code_en == 1
    da = [json.loads(line) for line in out_da.splitlines()]
    en = [json.loads(line) for line in out_en.splitlines()]
    assert [r.get("line") for r in da] == [r.get("line") for r in en] == [1, 2, None]
    for record in (da[0], en[0], da[1], en[1]):
        assert set(record) == {"line", "error", "problems"} and record["error"] == "invalid concern"
        assert all(set(p) == {"field", "message", "suggestion"} for p in record["problems"])
    assert (
        [p["field"] for p in da[0]["problems"]] == [p["field"] for p in en[0]["problems"]] == ["received_at", "concern"]
    )
    assert da[0]["problems"][0]["message"].startswith("mangler tidszone (forskydning fra UTC)")
    assert en[0]["problems"][0]["message"].startswith("needs a UTC offset")
    assert da[0]["problems"][1]["message"].startswith("et ukendt felt (navnet vises ikke)")
    assert (
        da[1]["problems"][0]["message"]
        == "stdin:2:17: ikke gyldig JSON: her skal stå et feltnavn i dobbelte anførselstegn"
    )
    assert (
        en[1]["problems"][0]["message"]
        == "stdin:2:17: not valid JSON: Expecting property name enclosed in double quotes"
    )
    assert "Mohammed" not in out_da + out_en
    assert da[2]["plan"] == en[2]["plan"] == "koege"


def test_the_python_api_stays_english_and_says_danish_when_asked() -> None:
    plan = beredskab.load_plan(PLANS / "koege.yaml")
    with pytest.raises(ConcernError) as info:
        plan.route({"received_at": "2026-11-23T10:00", "acute": False, "reporter": "profesional"}, lang="da")
    err = info.value
    assert str(err) == (
        "concern field 'received_at': needs a UTC offset, e.g. 2026-11-23T10:00:00+01:00 (naive times are ambiguous); "
        "concern field 'reporter': input should be 'professional', 'citizen', 'relative', 'police' or 'hotline' "
        "(did you mean 'professional'?)"
    )
    assert err.text("en") == str(err) and err.field == "received_at" and err.message.startswith("needs a UTC")
    assert [p.message for p in err.problems][1].startswith("input should be 'professional'")
    assert err.text("da") == (
        "hændelsens felt 'received_at': mangler tidszone (forskydning fra UTC), fx 2026-11-23T10:00:00+01:00 "
        "(et tidspunkt uden tidszone er tvetydigt); hændelsens felt 'reporter': skal være 'professional', "
        "'citizen', 'relative', 'police' eller 'hotline' (mente du 'professional'?)"
    )
    with pytest.raises(ValueError, match="da, en"):
        err.text("sv")


def test_a_problem_without_a_message_id_is_said_as_it_is_with_the_words_around_it_translated() -> None:
    err = ConcernError("findings", "allerede på dansk", "relevant")
    assert err.text("da") == "hændelsens felt 'findings': allerede på dansk (mente du 'relevant'?)"
    assert str(err) == "concern field 'findings': allerede på dansk (did you mean 'relevant'?)"


def _post(path: str, body: Any) -> httpx.Response:
    app = create_app([str(PLANS / "koege.yaml")])

    async def go() -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://beredskab.test") as client:
            return await client.post(path, json=body)

    return anyio.run(go)


def test_the_service_stays_english_unless_lang_is_given() -> None:
    event = {"received_at": "2026-11-23T10:00", "acute": False, "age": 999, "cpr_0101901234": 1}
    default = _post("/plans/koege/route", event)
    english = _post("/plans/koege/route?lang=en", event)
    danish = _post("/plans/koege/route?lang=da", event)
    assert default.status_code == english.status_code == danish.status_code == 422
    assert default.json() == english.json()
    assert default.json()["problems"][0]["message"].startswith("needs a UTC offset")
    said = danish.json()
    assert said["error"] == "invalid concern"
    assert [p["field"] for p in said["problems"]] == [p["field"] for p in default.json()["problems"]]
    assert [p["message"] for p in said["problems"]][:2] == [
        "mangler tidszone (forskydning fra UTC), fx 2026-11-23T10:00:00+01:00 (et tidspunkt uden tidszone er tvetydigt)",
        "må højst være 130",
    ]
    for r in (default, english, danish):
        assert "0101901234" not in r.text and "999" not in r.text
    batch = _post("/plans/koege/route:batch?lang=da", {"concerns": [event]}).json()
    assert batch["results"][0]["problems"][1]["message"] == "må højst være 130"
