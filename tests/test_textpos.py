"""Line starts: the same lines the parser counts, whichever line ends a file uses."""

from __future__ import annotations

import pytest

from termshift.textpos import Marks, Positions, line_starts


@pytest.mark.parametrize("text, starts", [
    ("", [0]), ("a", [0]), ("a\n", [0, 2]), ("a\nb", [0, 2]), ("a\n\nb\n", [0, 2, 3, 5]),
    ("x\r\ny\rz\n", [0, 3, 5, 7]), ("é\nü\n", [0, 2, 4]),
])
def test_line_starts(text: str, starts: list[int]) -> None:
    assert Positions(text).starts == starts
    assert line_starts(text) == starts
    assert Positions(text).line_col(len(text)) == (len(starts), len(text) - starts[-1])


def test_line_starts_belong_to_their_text() -> None:
    """The passes over one file share its line starts; another text never gets them, even an
    equal one made elsewhere (kept by identity, so an equal text just computes them again)."""
    first = "a\nb\n"
    assert line_starts(first) is line_starts(first)
    other = "".join(["c\n", "d\n", "e"])
    assert line_starts(other) == [0, 2, 4]
    assert line_starts(first) == [0, 2, 4]


def test_the_line_starts_of_each_file_are_kept_between_its_passes(monkeypatch: pytest.MonkeyPatch) -> None:
    """A file's search comes after every module's summary: the starts of many texts are kept,
    up to a bound, the oldest going first."""
    from termshift import textpos

    texts = ["".join(["x\n"] * count) for count in range(1, 5)]
    kept = [line_starts(text) for text in texts]
    assert all(line_starts(text) is starts for text, starts in zip(texts, kept))
    monkeypatch.setattr(textpos, "_KEPT", 2)
    monkeypatch.setattr(textpos, "_known", {})
    monkeypatch.setattr(textpos, "_known_chars", 0)
    made = [line_starts(text) for text in texts[:3]]
    assert line_starts(texts[2]) is made[2] and line_starts(texts[0]) is not made[0]
    assert line_starts(texts[0]) == made[0]


def test_the_texts_kept_for_their_line_starts_are_bounded_in_characters(monkeypatch: pytest.MonkeyPatch) -> None:
    """A large run spills its texts: the cache alone holds those it keeps, so large modules count
    by their size, not one each. The text being worked on is kept whatever its size."""
    from termshift import textpos

    monkeypatch.setattr(textpos, "_KEPT_CHARS", 100)
    monkeypatch.setattr(textpos, "_known", {})
    monkeypatch.setattr(textpos, "_known_chars", 0)
    texts = ["".join([f"{n}\n"] * 15) for n in range(10)]  # 30 characters each
    kept = [line_starts(text) for text in texts]
    assert len(textpos._known) == 3 and textpos._known_chars == 90
    assert line_starts(texts[-1]) is kept[-1] and line_starts(texts[0]) is not kept[0]
    huge = "y\n" * 200
    starts = line_starts(huge)
    assert line_starts(huge) is starts and len(textpos._known) == 1 and textpos._known_chars == 400
    assert textpos._known_chars == sum(len(text) for text, _ in textpos._known.values())


@pytest.mark.parametrize("root, path", [
    ("/a/b", "/a/b/c/d.py"), ("/a/b", "/a/b"), ("/a/b", "/a/bc/d.py"), ("/", "/x/y.py"), ("/a/b", "/z/y.py"),
])
def test_relative_paths_are_pathlibs(root: str, path: str) -> None:
    from pathlib import PurePosixPath

    from termshift.roots import relative_posix

    try:
        expected = PurePosixPath(path).relative_to(root).as_posix()
    except ValueError:
        expected = PurePosixPath(path).as_posix()
    assert relative_posix(root, path) == expected


def test_marks_take_each_position_once_and_never_alias_another_line():
    marks = Marks(Positions("ab\ncd\n"))
    assert marks.take(1, 0) and not marks.take(1, 0)
    assert marks.take(2, 0) and not marks.take(2, 0)
    # Past a line's end is no offset of the text: (1, 4) would be (2, 1) as an offset.
    assert marks.take(1, 4) and not marks.take(1, 4) and marks.take(2, 1)
    assert marks.take(3, 0) and marks.take(9, 0) and not marks.take(9, 0)  # after the last line
    marks.take_inside(2, 0, 2)  # a name of two characters at (2, 0): (2, 1) is its
    assert not marks.take(2, 1)
    marks = Marks(Positions("name\n"))
    marks.take_inside(1, 0, 4)
    assert [marks.take(1, column) for column in range(5)] == [True, False, False, False, True]
