"""Line starts: the same lines the parser counts, whichever line ends a file uses."""

from __future__ import annotations

import pytest

from termshift.textpos import Positions, line_starts


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
