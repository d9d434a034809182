"""Unified diffs that `git apply` takes: each file's lines in its own bytes.

A diff is only useful if it can be applied to the files it was made from.
So lines are split where git splits them (at "\\n" only: a form feed or a
lone "\\r" is part of a line, as `str.splitlines` would not have it), a
CRLF line keeps its "\\r", a BOM stays on the first line, and each file's
lines are written in that file's encoding (headers in UTF-8).
"""

from __future__ import annotations


def lines(text: str) -> list[str]:
    """`text` split after each "\\n", as git and patch see lines."""
    parts = text.split("\n")
    found = [part + "\n" for part in parts[:-1]]
    if parts[-1]:
        found.append(parts[-1])
    return found


def file_diff(old_path: str, new_path: str, old_text: str, new_text: str, *, encoding: str = "utf-8",
              bom: bool = False, old_name: str | None = None, new_name: str | None = None) -> list[bytes]:
    """The hunks between two texts of one file, as lines of bytes without their "\\n" (the `---` and
    `+++` headers included; `old_name`/`new_name` override them, e.g. "/dev/null")."""
    import difflib

    if bom:  # on the first line, of a text that has one
        old_text, new_text = ("\ufeff" + text if text else text for text in (old_text, new_text))
    out: list[bytes] = []
    diff = difflib.unified_diff(lines(old_text), lines(new_text), fromfile=old_name or f"a/{old_path}",
                                tofile=new_name or f"b/{new_path}")
    for number, line in enumerate(diff):
        if number < 2 or line.startswith("@@"):
            out.append(line.rstrip("\n").encode("utf-8"))
            continue
        if line.endswith("\n"):
            out.append(_encode(line[:-1], encoding))
        else:
            out += [_encode(line, encoding), b"\\ No newline at end of file"]
    return out


def _encode(line: str, encoding: str) -> bytes:
    prefix, body = line[:1], line[1:]
    if body.startswith("\ufeff"):  # the BOM, written as the file holds it
        return prefix.encode() + b"\xef\xbb\xbf" + body[1:].encode(encoding, "surrogateescape")
    return prefix.encode() + body.encode(encoding, "surrogateescape")


def join(lines_: list[bytes]) -> bytes:
    return b"\n".join(lines_) + (b"\n" if lines_ else b"")


_RESET = b"\x1b[m"
_COLOURS = (  # as `git diff` colours them: headers bold, hunk lines cyan, removals red, additions green
    (b"diff --git ", b"\x1b[1m"), (b"rename from ", b"\x1b[1m"), (b"rename to ", b"\x1b[1m"),
    (b"new file mode", b"\x1b[1m"), (b"--- ", b"\x1b[1m"), (b"+++ ", b"\x1b[1m"), (b"@@", b"\x1b[36m"),
    (b"-", b"\x1b[31m"), (b"+", b"\x1b[32m"),
)


def coloured(data: bytes) -> bytes:
    """A diff for a terminal: each line wrapped in its colour, its bytes (and line ending) untouched."""
    out = []
    header = False  # between `diff --git` and the first hunk, `---`/`+++` are headers
    for line in data.split(b"\n"):
        if line.startswith(b"diff --git "):
            header = True
        elif line.startswith(b"@@"):
            header = False
        for prefix, colour in _COLOURS:
            if line.startswith(prefix) and (header or prefix not in (b"--- ", b"+++ ")):
                body, cr = (line[:-1], b"\r") if line.endswith(b"\r") else (line, b"")
                line = colour + body + _RESET + cr
                break
        out.append(line)
    return b"\n".join(out)
