"""The string walks enter only the statements a string about the term can sit in
(`StringLines`): they must find exactly what walking every statement finds, including
where the term hides from the source text."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from termshift import config as config_module
from termshift import literals
from termshift.engine import analyze
from termshift.files import read_source
from termshift.literals import StringLines, StringRoles, _Context, _template

from lintkit import write_project

NEEDLES = (b"job",)
HERE = Path(__file__).resolve().parent

HIDDEN = '''\
QUIET = "nothing here"
SPLIT = ("jo"  # a comment between the parts
         "b_id")
ESCAPED = "\\x6aob_key"
NAMED = "\\N{LATIN SMALL LETTER J}ob_key"
PREFIXED = "JO" R"B"
CONTINUED = "jo\\
b_name"
FOLDED = "\u212a"
FRAMED = {"job:pending": 1}
'''

# Where the walk now skips parts of statements and whole statements: a decorator above its
# def's line, an argument on one line of a call spread over several, an enum member, the
# parts of a multi-line f-string, a default value, docstrings of classes and functions.
PARTS = '''\
import enum


@app.route(
    "/submit-job",
    methods=["POST"],
)
def submit(payload, key="job:pending"):
    """Submit a job."""
    return client.post(
        url,
        json={"job_id": payload["id"]},
        timeout=3,
    )


class Events(enum.Enum):
    """Kinds of job event."""

    SUBMITTED = "job_submitted"
    DONE = "done"


message = f"""
    {payload["job_name"]!r} and {
        other}
"""
'''


def test_the_lines_that_may_hold_the_term() -> None:
    lines = StringLines(HIDDEN, NEEDLES)
    assert not lines.touch(1, 1)
    assert lines.touch(2, 2) and lines.touch(3, 3)  # both parts of the concatenation
    assert lines.touch(4, 4) and lines.touch(5, 5)  # escapes that may be letters
    assert lines.touch(6, 6)  # case, and a prefix between the parts
    assert lines.touch(7, 7) and lines.touch(8, 8)  # a continuation inside the string
    assert lines.touch(9, 9)  # outside ASCII
    assert lines.touch(10, 10)
    assert lines.touch(1, 2) and not lines.touch(11, 40)


def test_ascii_text_is_searched_lowered_as_if_case_were_ignored() -> None:
    """ASCII text is lowered and searched case-sensitively: the lines must be those a
    case-insensitive search of the text as written marks."""
    import random

    rng = random.Random(2026)
    pieces = ["j", "J", "o", "O", "b", "B", "'", '"', " ", "\\\n", "\n", "# c\n", "r", "R", "x", "="]
    ignoring_case = literals._spelled(NEEDLES, ignore_case=True)
    for _ in range(3000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randrange(1, 30)))
        expected = StringLines(text, NEEDLES)._marked
        starts = [0] + [match.end() for match in __import__("re").finditer(r"\r\n|\r|\n", text)]
        marked = set()
        for match in ignoring_case.finditer(text):
            first = sum(1 for start in starts if start <= match.start())
            last = sum(1 for start in starts if start <= match.end() - 1)
            marked.update(range(first, last + 1))
        for match in literals._LETTER_ESCAPE.finditer(text):
            first = sum(1 for start in starts if start <= match.start())
            last = sum(1 for start in starts if start <= match.end() - 1)
            marked.update(range(first, last + 1))
        assert expected == sorted(marked), text


def test_old_mac_line_ends_count_lines_as_the_parser_does() -> None:
    text = "a = 1\rb = 'job'\r\nc = 2\n"
    lines = StringLines(text, NEEDLES)
    assert [number for number in range(1, 4) if lines.touch(number, number)] == [2]


def _mentioning(context: _Context) -> list[tuple[int, int, bool, tuple[tuple[str, bool], ...]]]:
    """Each string about the term, whether it is a docstring, and the class of each of its
    ancestors and whether it is an enum: what the string rules read."""
    found = []
    for node in context.candidates:
        template = _template(node)
        if template is None or b"job" not in template.lower().encode("utf-8", "surrogatepass"):
            continue
        chain, parent = [], context.parents.get(node)
        while parent is not None:
            chain.append((type(parent).__name__, parent in context.enum_classes))
            parent = context.parents.get(parent)
        found.append((node.lineno, node.col_offset, node in context.docstrings, tuple(chain)))
    return found


def _sources() -> list[Path]:
    """Real code that speaks of jobs: the golden fixtures, the example, and termshift itself."""
    paths = sorted((HERE / "fixtures").rglob("*.py")) + sorted((HERE.parent / "termshift").rglob("*.py"))
    return [path for path in paths if b"job" in path.read_bytes().lower()]


def test_the_gated_walk_finds_every_string_about_the_term() -> None:
    sources = _sources()
    assert len(sources) > 20
    for text in [HIDDEN, PARTS, *(read_source(path).text for path in sources)]:
        try:
            tree = ast.parse(text)
        except SyntaxError:  # fixtures of unparsable files
            continue
        whole = _Context(tree)
        gated = _Context(tree, StringLines(text, NEEDLES))
        assert _mentioning(gated) == _mentioning(whole)


def test_string_roles_are_the_same_from_the_gated_walk() -> None:
    whole, gated = StringRoles(), StringRoles()
    for path in _sources():
        text = read_source(path).text
        try:
            whole.add(ast.parse(text), NEEDLES)
        except SyntaxError:  # fixtures of unparsable files
            continue
        gated.add(ast.parse(text), NEEDLES, text)
    assert whole.written and whole.loose
    assert (gated.written, gated.loose) == (whole.written, whole.loose)


USE = """\
def build():
    return {"job_id": 1, "job_key": 2}


def get(record):
    return record["job_id"], record.get("job:pending")
"""


def _sites(tmp_path: Path) -> list[tuple]:
    files = {"app/__init__.py": "", "app/hidden.py": HIDDEN, "app/use.py": USE}
    root = write_project(tmp_path / "project", files)
    analysis = analyze(root, [root], config_module.load(root))
    return [(path, s.line, s.column, s.old, s.new, s.kind, s.role, s.action, s.note)
            for path, sites in sorted(analysis.sites.items()) for s in sites]


def test_gating_changes_no_site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    gated = _sites(tmp_path / "gated")
    monkeypatch.setattr(literals.StringLines, "touch", lambda self, first, last: True)
    everything = _sites(tmp_path / "all")
    assert gated == everything
    # "job_id" split in two and "job_key" behind escapes are loose strings elsewhere:
    # the keys are reported, not renamed.
    loose = [(site[1], site[2]) for site in gated if site[0] == "app/use.py" and site[8] == literals.LOOSE]
    assert loose == [(2, 13), (2, 26), (6, 19)], gated
