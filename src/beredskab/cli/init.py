"""``beredskab init``: a new municipality's plan, its routing examples and a pre-commit configuration."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
from pathlib import Path
from typing import Any

from .. import __version__
from .._files import atomic_create, describe
from .._i18n import DEFAULT_LANG, LANGS
from . import common
from .common import words as _

__all__ = ["add_parser", "scaffold"]

_EPILOG = """\
examples:
  beredskab init testby --name "Testby Kommune" --kommunekode 999 --police-district "Testby Politi"
  beredskab init vejle --dir plans/    then: beredskab validate plans/ && beredskab test plans/

Writes PLANS/<slug>.yaml (a small plan that validates as written, every fact marked
assumed until you cite your plan's text), PLANS/<slug>.examples.yaml (routing examples
that pass), and .pre-commit-config.yaml in the working folder (or, if one exists, prints
the lines to add). Never overwrites a file. Then rewrite the plan from your text:
docs/plan-format.md explains every field, docs/domain.md the domain and the laws.
"""

SLUG = re.compile(r"^[a-z][a-z0-9_-]{0,40}$")


def scaffold(slug: str, *, name: str, kommunekode: int, police_district: str, today: dt.date) -> dict[str, str]:
    """The three files of a new plan, by name (``plan``, ``examples``, ``precommit``)."""
    from ..audit._templates import render

    town = name.removesuffix(" Kommune").removesuffix(" kommune")
    host = re.sub(r"[^a-z0-9-]", "", slug.replace("_", "-")) or "kommune"
    context = {
        "slug": slug,
        "name": name,
        "town": town,
        "kommunekode": kommunekode,
        "police_district": police_district,
        "title": f"Beredskabsplan mod radikalisering og ekstremisme, {name}",
        # placeholders no one can use (BK906 until replaced): no Danish number starts with 0,
        # and ``.invalid`` is reserved never to exist (RFC 2606)
        "email": f"infohus@{host}.invalid",
        "web": f"{host}.invalid/underretning",
        "phone": "0000 0000",
        "month": f"{today:%Y-%m}",
        "repo": "https://example.invalid/beredskab  # the URL of the beredskab repository you install from",
        "rev": f"v{__version__}  # the release of beredskab this plan was written for; pre-commit autoupdate moves it",
    }
    return {
        key: render(template, lambda text: text, **context)
        for key, template in (
            ("plan", "init_plan.yaml.j2"),
            ("examples", "init_examples.yaml.j2"),
            ("precommit", "init_precommit.yaml.j2"),
        )
    }


_MAX_NAME = 100


def _plain_text(option: str, value: str) -> str | None:
    """Why ``value`` cannot stand as a name in the plan (one line of printable text), or None."""
    if not value.strip():
        return _("{option} is empty").format(option=option)
    if len(value) > _MAX_NAME:
        return _("{option} is longer than {limit} characters").format(option=option, limit=_MAX_NAME)
    if not value.isprintable():
        # a line break or a control character would end the YAML value (or a comment) early
        return _("{option} must be one line of text, without line breaks or control characters").format(option=option)
    return None


def cmd_init(args: argparse.Namespace) -> int:
    if not SLUG.match(args.slug):
        common.err(_("SLUG is lower-case letters, digits, - and _, starting with a letter (e.g. vejle)"))
        return common.EXIT_USAGE
    name = args.name if args.name is not None else f"{args.slug.replace('-', ' ').replace('_', ' ').title()} Kommune"
    for option, value in (("--name", name), ("--police-district", args.police_district)):
        why = _plain_text(option, value)
        if why:
            common.err(why)
            return common.EXIT_USAGE
    if not 101 <= args.kommunekode <= 999:
        common.err(_("--kommunekode is a municipality's code, 101-999"))
        return common.EXIT_USAGE
    files = scaffold(
        args.slug,
        name=name,
        kommunekode=args.kommunekode,
        police_district=args.police_district,
        today=dt.date.today(),
    )
    folder = Path(args.dir)
    targets = {"plan": folder / f"{args.slug}.yaml", "examples": folder / f"{args.slug}.examples.yaml"}
    # lexists: a dangling symbolic link is a name taken too (writing through it would
    # create a file wherever it points)
    existing = [p for p in targets.values() if os.path.lexists(p)]
    if existing:
        common.err(
            _("{file} exists; init never overwrites a file (choose another SLUG or --dir)").format(file=existing[0])
        )
        return common.EXIT_USAGE
    if folder.exists() and not folder.is_dir():
        common.err(_("--dir {folder} is a file, not a folder").format(folder=folder))
        return common.EXIT_USAGE
    precommit = Path(".pre-commit-config.yaml")
    write_precommit = not os.path.lexists(precommit)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        # all files or none: each is written whole beside its name, then linked into place
        new: dict[Path, str | bytes] = {path: files[key] for key, path in targets.items()}
        if write_precommit:
            new[precommit] = files["precommit"]
        atomic_create(new)
    except OSError as exc:
        common.err(
            _("cannot write the plan into {folder}: {reason}; nothing was written").format(
                folder=folder, reason=describe(exc)
            )
        )
        return common.EXIT_USAGE
    for path in targets.values():
        print(_("wrote {file}").format(file=path))
    if write_precommit:
        print(_("wrote {file} (set repo and rev to where you install beredskab from)").format(file=precommit))
    else:
        print(_("{file} exists; add these hooks to it:").format(file=precommit) + "\n")
        print(files["precommit"])
    print(
        _(
            "next: replace the placeholder contacts (errors BK906) with what your plan's text says, then: {command}"
        ).format(command=f"beredskab validate {folder}/ && beredskab test {folder}/")
    )
    return common.EXIT_OK


def add_parser(sub: Any) -> None:
    p = sub.add_parser(
        "init",
        help="start a new municipality's plan: a valid plan, its examples, a pre-commit configuration",
        description="Write a small valid plan for a new municipality, its routing examples and a "
        "pre-commit configuration, to rewrite from your plan's text.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("slug", metavar="SLUG", help="the plan's short name (lower case), e.g. vejle")
    p.add_argument("--name", help='the municipality\'s name (default: from SLUG, e.g. "Vejle Kommune")')
    p.add_argument("--kommunekode", type=int, default=999, help="the municipality's code, 101-999 (default 999)")
    p.add_argument("--police-district", default="Politikredsen", help="the police district (politikreds)")
    p.add_argument("--dir", default="plans", help="folder for the plan and its examples (default plans)")
    p.add_argument(
        "--lang", choices=LANGS, default=DEFAULT_LANG, help=f"language of the messages (default {DEFAULT_LANG})"
    )
    p.set_defaults(func=cmd_init)
