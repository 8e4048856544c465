"""Safe YAML reading with positions: size, encoding, tabs, bombs, duplicate keys -> Problems.

PyYAML only composes the node graph here (never constructs arbitrary objects); this
module turns nodes into plain Python values itself, using the YAML 1.2 core schema
(``yes``/``no`` stay strings, ``08:00`` stays a string, dates stay strings) and records
the line and column of every key and value so that later errors can point at them.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .._files import FileProblem, read_bounded
from .._problems import Problem
from .._problems import problem_text as _

MAX_BYTES = 1024 * 1024
MAX_NODES = 20_000  # nodes of the document, aliases expanded (the shipped plans have at most 1,300)
MAX_DEPTH = 50
MAX_NUMBER_DIGITS = 18  # more digits than any field can use (ages, kommunekode: 3)
MAX_PROBLEMS_PER_KIND = 20

PathT = tuple[Any, ...]

_INT = re.compile(r"^[-+]?[0-9]+$|^0x[0-9a-fA-F]+$|^0o[0-7]+$")
_FLOAT = re.compile(r"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")
_STANDARD_TAG = "tag:yaml.org,2002:"
_STR_TAG = _STANDARD_TAG + "str"


@dataclass
class YamlDocument:
    """Plain data plus where each value (and each mapping key) stands in the file."""

    file: str
    data: Any
    value_marks: dict[PathT, tuple[int, int]] = field(default_factory=dict)
    key_marks: dict[PathT, tuple[int, int]] = field(default_factory=dict)
    notes: list[Problem] = field(default_factory=list)
    """What reading found that does not reject the file (BK009: migrated from an older format)."""

    def position(self, path: PathT, *, key: bool = False) -> tuple[int, int]:
        """Line and column (1-based) of ``path``, or of its nearest ancestor that exists."""
        p = tuple(path)
        while True:
            if key and p in self.key_marks:
                return self.key_marks[p]
            if p in self.value_marks:
                return self.value_marks[p]
            if not p:
                return (1, 1)
            p = p[:-1]
            key = False


class YamlProblems(Exception):
    """Raised inside this module with every problem found; the loader wraps it."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("; ".join(p.format() for p in problems))


def _problem(file: str, line: int, col: int, code: str, message: str, hint: str | None = None) -> Problem:
    return Problem.of(code, file=file, line=line, col=col, message=message, hint=hint)


def _position_of_offset(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    col = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, col


def read_text(path: Path, display: str) -> str:
    """The file's text, or YamlProblems for size, missing file, kind of file, encoding and tabs.

    Read through the one bounded reader: a device, a FIFO or a huge sparse file costs no
    more than the limit (see ``beredskab._files``)."""
    try:
        raw = read_bounded(path, MAX_BYTES)
    except FileProblem as exc:
        if exc.too_large:
            raise YamlProblems(
                [
                    _problem(
                        display, 1, 1, "BK005", _("file is larger than {limit} bytes (1 MiB)").format(limit=MAX_BYTES)
                    )
                ]
            ) from None
        raise YamlProblems(
            [_problem(display, 1, 1, "BK000", _("cannot read file: {reason}").format(reason=exc.reason))]
        ) from None
    return decode(raw, display)


def decode(raw: bytes, display: str) -> str:
    """UTF-8 text without BOM and without tabs, or YamlProblems naming where."""
    if len(raw) > MAX_BYTES:
        raise YamlProblems(
            [_problem(display, 1, 1, "BK005", _("file is larger than {limit} bytes (1 MiB)").format(limit=MAX_BYTES))]
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        good = raw[: exc.start].decode("utf-8", errors="replace")
        line, col = _position_of_offset(good, len(good))
        raise YamlProblems(
            [
                _problem(
                    display,
                    line,
                    col,
                    "BK004",
                    _("byte {byte} is not valid UTF-8; save the file as UTF-8").format(byte=f"0x{raw[exc.start]:02x}"),
                )
            ]
        ) from None
    if text.startswith("\ufeff"):
        text = text[1:]
    problems = []
    for m in re.finditer("\t", text):
        line, col = _position_of_offset(text, m.start())
        problems.append(_problem(display, line, col, "BK003", _("tab character; indent and separate with spaces")))
        if len(problems) >= MAX_PROBLEMS_PER_KIND:
            break
    if problems:
        raise YamlProblems(problems)
    return text


def _mark(node: yaml.Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def _expanded_size(root: yaml.Node, limit: int) -> int:
    """Node count after alias expansion, computed without expanding (memoised per node)."""
    sizes: dict[int, int] = {}
    # iterative post-order: aliases share node objects, so memoising by id is exact
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        if id(node) in sizes:
            continue
        children = _children(node)
        if done:
            total = 1 + sum(sizes[id(c)] for c in children)
            sizes[id(node)] = min(total, limit + 1)
        else:
            stack.append((node, True))
            stack.extend((c, False) for c in children if id(c) not in sizes)
        if len(sizes) > 10 * limit:
            return limit + 1
    return sizes[id(root)]


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when present: same events, faster
# libyaml 0.2.5 as bundled since PyYAML 6.0.2 has its own nesting limit (1000 flow levels), and
# its scanner looks ahead across a run of '[' before it emits any event: it can fail there before
# this module's own bound is reached. Its message, as libyaml writes it:
_LIBYAML_DEPTH = "exceeded maximum nesting depth"


def compose(text: str, display: str, loader: Any = None) -> tuple[yaml.Node | None, tuple[int, int] | None]:
    """The document's node graph, built iteratively from parser events.

    Building nodes here (not with PyYAML's recursive composer) bounds nesting depth
    before anything recurses, and records where the first alias is used. Where libyaml's
    own depth limit fires first, the text is read again with PyYAML's pure-Python parser,
    so that every PyYAML gives the same answer: BK006 at the level past ``MAX_DEPTH``.
    """
    try:
        return _compose(text, display, loader or _Loader)
    except _LibyamlTooDeep:
        return _compose(text, display, yaml.SafeLoader)


_SCALAR, _ALIAS, _STREAM_END, _DOCUMENT_START = (
    yaml.ScalarEvent,
    yaml.AliasEvent,
    yaml.StreamEndEvent,
    yaml.DocumentStartEvent,
)
_MAPPING_START, _MAPPING_END = yaml.MappingStartEvent, yaml.MappingEndEvent
_SEQUENCE_START, _SEQUENCE_END = yaml.SequenceStartEvent, yaml.SequenceEndEvent


class _LibyamlTooDeep(Exception):
    """libyaml's nesting limit fired before this module's (see ``_LIBYAML_DEPTH``)."""


def _compose(text: str, display: str, loader: Any) -> tuple[yaml.Node | None, tuple[int, int] | None]:
    anchors: dict[str, yaml.Node] = {}
    stack: list[tuple[yaml.Node, list[Any]]] = []
    root: yaml.Node | None = None
    documents = 0
    nodes = 0
    first_alias: tuple[int, int] | None = None

    def fail(mark: Any, code: str, message: str) -> YamlProblems:  # marks: C or Python
        line, col = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
        return YamlProblems([_problem(display, line, col, code, message)])

    def attach(node: yaml.Node) -> None:
        nonlocal root
        if stack:
            stack[-1][1].append(node)
        else:
            root = node

    parser: Any = None
    try:
        parser = loader(text)  # the pure-Python reader checks the characters here already
        get_event = parser.get_event
        # events by their exact class (what both parsers make), most frequent first: the
        # loop runs once per event of every plan read, and isinstance chains showed in profiles
        while True:
            event = get_event()
            kind = type(event)
            mark: Any = event.start_mark
            if kind is _SCALAR:
                nodes += 1
                if nodes > MAX_NODES:  # counted before anything is built: a huge file fails fast
                    raise fail(
                        mark,
                        "BK006",
                        _("the document has more than {limit} values; plans are far smaller").format(limit=MAX_NODES),
                    )
                node: yaml.Node = yaml.ScalarNode(event.tag or "", event.value, mark, None, event.style)
                if event.anchor:
                    anchors[event.anchor] = node
                attach(node)
            elif kind is _MAPPING_START or kind is _SEQUENCE_START:
                nodes += 1
                if nodes > MAX_NODES:
                    raise fail(
                        mark,
                        "BK006",
                        _("the document has more than {limit} values; plans are far smaller").format(limit=MAX_NODES),
                    )
                if len(stack) >= MAX_DEPTH:
                    raise fail(mark, "BK006", _("YAML nested deeper than {limit} levels").format(limit=MAX_DEPTH))
                cls = yaml.SequenceNode if kind is _SEQUENCE_START else yaml.MappingNode
                node = cls(event.tag or "", [], mark, None, flow_style=event.flow_style)
                if event.anchor:
                    anchors[event.anchor] = node
                stack.append((node, []))
            elif kind is _MAPPING_END or kind is _SEQUENCE_END:
                node, children = stack.pop()
                if kind is _MAPPING_END:
                    node.value = list(zip(children[0::2], children[1::2], strict=True))
                else:
                    node.value = children
                attach(node)
            elif kind is _ALIAS:
                if first_alias is None:
                    first_alias = (mark.line + 1, mark.column + 1)
                if event.anchor not in anchors:
                    raise fail(mark, "BK001", _("alias *{anchor} names no anchor").format(anchor=event.anchor))
                target = anchors[event.anchor]
                if any(node is target for node, _ in stack):
                    # the alias stands inside what its anchor names: the value would contain itself
                    raise fail(
                        mark,
                        "BK006",
                        _("alias *{anchor} refers to the mapping or list that contains it (a recursive alias)").format(
                            anchor=event.anchor
                        ),
                    )
                attach(target)
            elif kind is _DOCUMENT_START:
                documents += 1
                if documents > 1:
                    raise fail(mark, "BK001", _("a plan file holds one YAML document, found a second"))
            elif kind is _STREAM_END:
                break
    except yaml.MarkedYAMLError as exc:
        what = exc.problem or str(exc)
        if _LIBYAML_DEPTH in what and loader is not yaml.SafeLoader:
            raise _LibyamlTooDeep from None
        raise YamlProblems([_syntax_problem(text, display, exc, loader)]) from None
    except yaml.reader.ReaderError as exc:
        line, col = _position_of_offset(text, exc.position)
        raise YamlProblems(
            [
                _problem(
                    display,
                    line,
                    col,
                    "BK001",
                    _("character {char} is not allowed in YAML").format(char=f"#x{exc.character:04x}"),
                )
            ]
        ) from None
    except yaml.YAMLError as exc:
        raise YamlProblems([_problem(display, 1, 1, "BK001", _("YAML error: {error}").format(error=exc))]) from None
    finally:
        if parser is not None:
            parser.dispose()
    return root, first_alias


# libyaml's and PyYAML's words for ': ' inside a plain value, and for a quote that never closes
_COLON_IN_VALUE = ("mapping values are not allowed in this context", "mapping values are not allowed here")
_IN_QUOTED = "while scanning a quoted scalar"
# ``key: value`` at the start of a line (after the indent and a list dash); the value up to a comment
_KEY_VALUE = re.compile(
    r"^(?P<lead>\s*(?:-\s+)*)(?P<key>[^\s#'\"{}\[\],:&*!|>%@`-][^:#]*?):\s+(?P<value>.*?)(?:\s+#.*)?$"
)
# a line that a run-on quoted value swallowed: a key or a list item of the plan
_LOOKS_LIKE_YAML = re.compile(r"^\s*(?:-\s|[^\s#'\"][^:#]*:(?:\s|$))")
_MAX_QUOTED_IN_HINT = 80


def _syntax_problem(text: str, display: str, exc: yaml.MarkedYAMLError, loader: Any) -> Problem:
    """The YAML reader's error, placed where the author went wrong, with a hint where one is known."""
    mark = exc.problem_mark or exc.context_mark
    line, col = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
    what = exc.problem or str(exc)
    context = f" ({exc.context})" if exc.context else ""
    if exc.context == _IN_QUOTED and exc.context_mark is not None:
        # the reader ran to the end of the file (or a '---') inside quotes: point at where they opened
        start = exc.context_mark
        opening = text.split("\n", start.line + 1)[start.line][start.column : start.column + 1]
        quote = opening if opening in ("'", '"') else '"'
        return _problem(
            display,
            start.line + 1,
            start.column + 1,
            "BK001",
            _("YAML syntax error: this quoted value is never closed"),
            _(
                "add the closing {quote}; without it the value runs on until the YAML reader gives up "
                "at {line}:{col}: {error}"
            ).format(quote=quote, line=line, col=col, error=what),
        )
    opened = _run_on_quote(text, loader, line, col)
    if opened is not None:
        (qline, qcol), quote, closed_at = opened
        return _problem(
            display,
            qline,
            qcol,
            "BK001",
            _("YAML syntax error: this quoted value is never closed"),
            _(
                "add the closing {quote} on line {qline}; without it the value runs on to the next {quote} "
                "(line {closed_at}), and the YAML reader gives up at {line}:{col}: {error}"
            ).format(quote=quote, qline=qline, closed_at=closed_at, line=line, col=col, error=what),
        )
    hint = _colon_hint(text, line, col) if what in _COLON_IN_VALUE else None
    return _problem(display, line, col, "BK001", _("YAML syntax error: {error}").format(error=f"{what}{context}"), hint)


def _colon_hint(text: str, line: int, col: int) -> str:
    """How to quote a plain value that holds ': ' (``explanation: Bemærk: sagen lukkes.``)."""
    why = _("a colon followed by a space inside a plain value starts a new key; put the text in quotes")
    lines = text.split("\n", line)
    m = _KEY_VALUE.match(lines[line - 1]) if len(lines) >= line else None
    # the colon the reader stopped at must lie inside the value, after the key's own colon
    if m is None or not m.start("value") < col <= m.end("value"):
        return f'{why}: "..."'
    key, value = m.group("key"), m.group("value").rstrip()
    if len(value) > _MAX_QUOTED_IN_HINT:
        return f'{why}: {key}: "..."'
    if '"' in value or "\\" in value:
        return f"{why}: {key}: '{value.replace(chr(39), chr(39) * 2)}'"
    return f'{why}: {key}: "{value}"'


def _run_on_quote(text: str, loader: Any, line: int, col: int) -> tuple[tuple[int, int], str, int] | None:
    """A quoted value before the error at ``line:col`` that ran on over lines that look like YAML keys.

    An unclosed quote does not fail where it opens: the reader takes the next lines into the
    value, up to the next quote character, and fails somewhere after that. Returns where such
    a value's quote opened, the quote character and the line where the reader closed it.
    """
    found: tuple[tuple[int, int], str, int] | None = None
    lines = text.split("\n")
    try:
        for token in yaml.scan(text, Loader=loader):
            start, end = token.start_mark, token.end_mark
            if (start.line + 1, start.column + 1) >= (line, col):
                break
            if not isinstance(token, yaml.ScalarToken) or token.style not in ('"', "'") or start.line == end.line:
                continue
            swallowed = lines[start.line + 1 : end.line + 1]
            if any(_LOOKS_LIKE_YAML.match(x) for x in swallowed):
                found = ((start.line + 1, start.column + 1), token.style, end.line + 1)
    except yaml.YAMLError:
        pass  # the reader fails again at (or before) the error being explained
    return found


class _NumberTooLong(Exception):
    """A plain number with more digits than any field of the format can use."""


# the plain words YAML 1.1 reads as null or a boolean (as PyYAML's resolver does, for plans)
_WORDS: dict[str, Any] = {
    **dict.fromkeys(("null", "Null", "NULL")),
    **dict.fromkeys(("true", "True", "TRUE"), True),
    **dict.fromkeys(("false", "False", "FALSE"), False),
}


def _scalar(node: yaml.ScalarNode) -> Any:
    value: str = node.value
    if node.style in ("'", '"', "|", ">"):
        return value
    if node.tag == _STR_TAG:
        # an explicit !!str on a plain scalar
        return value
    if value[:1].isalpha():
        # most keys and values of a plan: text starting with a letter is never a number
        # (those start with a digit, a sign or a dot), so only the words above are not text
        return _WORDS.get(value, value)
    if value in ("", "~", "null", "Null", "NULL"):
        return None
    if value in ("true", "True", "TRUE"):
        return True
    if value in ("false", "False", "FALSE"):
        return False
    if _INT.match(value):
        based = value.startswith(("0x", "0o"))
        if len(value[2:] if based else value.lstrip("+-")) > MAX_NUMBER_DIGITS:
            # refused before conversion: Python's int() refuses 4,300 digits, and is slow long before
            raise _NumberTooLong
        return int(value, 0) if based else int(value)
    if _FLOAT.match(value):
        return float(value)
    if value in (".inf", "+.inf", ".Inf", "+.Inf", ".INF"):
        return math.inf
    if value in ("-.inf", "-.Inf", "-.INF"):
        return -math.inf
    if value in (".nan", ".NaN", ".NAN"):
        return math.nan
    return value


_PLAIN_TAGS = frozenset(_STANDARD_TAG + t for t in ("str", "int", "float", "bool", "null", "map", "seq", "timestamp"))
_DATA_TAGS = _PLAIN_TAGS | {"!", "", None}  # the tags _explicit_tag lets pass


def _explicit_tag(node: yaml.Node) -> str | None:
    """A tag other than the plain data types (``!!python/...``, ``!custom``), or None."""
    tag = node.tag or ""
    if tag in _PLAIN_TAGS or tag in ("!", ""):
        return None
    return tag


def _too_long(display: str, node: yaml.Node) -> Problem:
    line, col = _mark(node)
    return _problem(
        display,
        line,
        col,
        "BK008",
        _("a number with more than {limit} digits; no field of a plan takes one").format(limit=MAX_NUMBER_DIGITS),
        _("quote it if it is text"),
    )


def to_document(node: yaml.Node | None, display: str) -> YamlDocument:
    """Plain Python data with marks; duplicate keys and foreign tags are problems."""
    doc = YamlDocument(display, None)
    if node is None:
        return doc
    problems: list[Problem] = []

    def build(n: yaml.Node, path: PathT) -> Any:
        start = n.start_mark
        doc.value_marks.setdefault(path, (start.line + 1, start.column + 1))
        if len(path) > MAX_DEPTH:
            raise YamlProblems(
                [
                    _problem(
                        display, *_mark(n), "BK006", _("YAML nested deeper than {limit} levels").format(limit=MAX_DEPTH)
                    )
                ]
            )
        tag = None if n.tag in _DATA_TAGS else _explicit_tag(n)  # the common case without a call
        if tag is not None and len(problems) < MAX_PROBLEMS_PER_KIND:
            line, col = _mark(n)
            problems.append(
                _problem(
                    display, line, col, "BK007", _("YAML tag {tag} is not allowed in a plan").format(tag=repr(tag))
                )
            )
        if type(n) is yaml.ScalarNode:  # exact classes: _compose makes the nodes
            try:
                return _scalar(n)
            except _NumberTooLong:
                problems.append(_too_long(display, n))
                return None
        if type(n) is yaml.SequenceNode:
            return [build(item, (*path, i)) for i, item in enumerate(n.value)]
        if type(n) is yaml.MappingNode:
            out: dict[Any, Any] = {}
            for key_node, value_node in n.value:
                if not isinstance(key_node, yaml.ScalarNode):
                    line, col = _mark(key_node)
                    problems.append(_problem(display, line, col, "BK001", _("mapping keys must be plain text")))
                    continue
                try:
                    key = _scalar(key_node)
                except _NumberTooLong:
                    problems.append(_too_long(display, key_node))
                    continue
                if key == "<<":
                    line, col = _mark(key_node)
                    problems.append(
                        _problem(
                            display,
                            line,
                            col,
                            "BK007",
                            _("merge keys ('<<') are not supported; write the keys out"),
                        )
                    )
                    continue
                if not isinstance(key, str):
                    key = str(key) if not isinstance(key, bool) else str(key).lower()
                if key in out:
                    line, col = _mark(key_node)
                    first = doc.key_marks.get((*path, key), (0, 0))
                    problems.append(
                        _problem(
                            display,
                            line,
                            col,
                            "BK002",
                            _("duplicate key {key} (first defined at line {line})").format(
                                key=repr(key), line=first[0]
                            ),
                            _("each key may appear once in a mapping"),
                        )
                    )
                    continue
                here = (*path, key)
                doc.key_marks[here] = _mark(key_node)
                out[key] = build(value_node, here)
            return out
        return None

    doc.data = build(node, ())
    if problems:
        raise YamlProblems(problems)
    return doc


def load_document(path: str | Path, display: str | None = None) -> YamlDocument:
    """Read, check and convert one YAML file; raises YamlProblems with every problem found."""
    path = Path(path)
    display = display or str(path)
    return parse_text(read_text(path, display), display)


def parse_text(text: str, display: str) -> YamlDocument:
    node, first_alias = compose(text, display)
    if node is not None and first_alias is not None:
        size = _expanded_size(node, MAX_NODES)
        if size > MAX_NODES:
            line, col = first_alias
            raise YamlProblems(
                [
                    _problem(
                        display,
                        line,
                        col,
                        "BK006",
                        _("aliases expand to more than {limit} nodes (alias bomb?)").format(limit=MAX_NODES),
                        _("write repeated parts out, or use fewer aliases"),
                    )
                ]
            )
    return to_document(node, display)


def iter_paths(data: Any, path: PathT = ()) -> Iterator[tuple[PathT, Any]]:
    """Every (path, value) in a plain data tree, depth first (a parent before its children, in order)."""
    # a stack, not nested generators: each value yielded through ``yield from`` passes every
    # generator above it, and plans nest ten deep
    stack: list[tuple[PathT, Any]] = [(path, data)]
    while stack:
        here, value = stack.pop()
        yield here, value
        if isinstance(value, dict):
            stack.extend(reversed([((*here, k), v) for k, v in value.items()]))
        elif isinstance(value, list):
            stack.extend(reversed([((*here, i), v) for i, v in enumerate(value)]))
