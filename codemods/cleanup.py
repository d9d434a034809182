"""Remove the compatibility layer: exactly the marked pieces, nothing else.

The pieces are found by their marker comments (`termshift.markers`), never
by what the code looks like, so hand-written code is never touched. A block
goes with the blank lines `migrate` put between it and the code around it
(`codemods.compat.SEPARATION`), a one-line piece with its line, a shim module
with its file; so cleaning up after `migrate` gives back, byte for byte,
what `migrate --no-compat` writes. Running it again finds nothing.
"""

from __future__ import annotations

import ast
import datetime
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from termshift import files, markers

from .compat import SEPARATION


def chosen(pieces: list[markers.Piece], today: datetime.date | None) -> list[markers.Piece]:
    """The pieces to remove: all of them, or with `today` only the expired ones."""
    return [piece for piece in pieces if today is None or piece.expired(today)]


def is_shim(text: str, today: datetime.date | None = None) -> bool:
    """A whole file of compat code (a shim module) to delete."""
    return any(piece.kind == "module" for piece in chosen(markers.scan(text), today))


def remove_pieces(text: str, today: datetime.date | None = None) -> str:
    """`text` without its compat blocks and lines (a shim module is the caller's to delete)."""
    pieces = [piece for piece in chosen(markers.scan(text), today) if piece.kind != "module"]
    if not pieces:
        return text
    lines = text.splitlines(keepends=True)
    drop: set[int] = set()  # 0-based line numbers
    for piece in pieces:
        drop.update(range(piece.start_line - 1, piece.end_line))
    for piece in pieces:
        if piece.kind == "block":
            drop.update(_separation(lines, piece, drop))
    kept = [line for number, line in enumerate(lines) if number not in drop]
    result = "".join(kept)
    last = max(pieces, key=lambda piece: piece.end_line)
    if last.end_line == len(lines) and lines and not lines[-1].endswith(("\n", "\r")):
        # The block ended the file without a final newline: so did the code before it.
        result = result[: -2 if result.endswith("\r\n") else -1] if result.endswith(("\n", "\r")) else result
    return result


def _separation(lines: list[str], piece: markers.Piece, drop: set[int]) -> list[int]:
    """The blank lines around a block that came with it: before it first, then after."""
    found: list[int] = []
    number = piece.start_line - 2
    while len(found) < SEPARATION and number >= 0 and number not in drop and not lines[number].strip():
        found.append(number)
        number -= 1
    number = piece.end_line
    while len(found) < SEPARATION and number < len(lines) and number not in drop and not lines[number].strip():
        found.append(number)
        number += 1
    return found


# -- a run over files ---------------------------------------------------------


@dataclass
class Cleanup:
    """What a cleanup run changes: edited files, deleted shim modules, refusals."""

    changed: dict[str, tuple[str, str]] = field(default_factory=dict)  # relative path -> (old, new text)
    deleted: dict[str, str] = field(default_factory=dict)  # relative path -> old text
    failures: list[tuple[str, str]] = field(default_factory=list)  # (relative path, message)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (path, why): symlinks, outside the root
    nested: list[Path] = field(default_factory=list)  # sub-projects under the paths: each cleaned up in its own run

    encodings: dict[str, tuple[str, bool]] = field(default_factory=dict)  # relative path -> (encoding, BOM)

    def diff(self) -> str:
        return self.diff_bytes().decode("utf-8", "surrogateescape")

    def diff_bytes(self) -> bytes:
        """A unified diff `git apply` takes: each file's lines in its own encoding and line endings."""
        from termshift.patch import file_diff, join

        out: list[bytes] = []
        for path in sorted(set(self.changed) | set(self.deleted)):
            old, new = self.changed.get(path) or (self.deleted[path], "")
            out.append(f"diff --git a/{path} b/{path}".encode("utf-8"))
            if path in self.deleted:
                out.append(b"deleted file mode 100644")
            encoding, bom = self.encodings.get(path, ("utf-8", False))
            out += file_diff(path, path, old, new, encoding=encoding, bom=bom,
                             new_name="/dev/null" if path in self.deleted else None)
        return join(out)


def run(root: Path, paths: list[Path], excludes: tuple[str, ...], *, today: datetime.date | None,
        write: bool) -> Cleanup:
    """Find the compat pieces in the Python files under `paths` and remove them (if `write`)."""
    result = Cleanup()
    links: list[Path] = []
    for path in files.discover(root, paths, excludes, links=links, nested=result.nested):
        if not files.read_bytes_prefilter(path, (b"termshift:",)):
            continue
        relative = _relative(root, path)
        try:
            source = files.read_source(path)
        except files.SourceError as error:
            result.failures.append((relative, str(error)))
            continue
        result.encodings[relative] = (source.encoding, source.bom)
        if is_shim(source.text, today):
            result.deleted[relative] = source.text
            continue
        new_text = remove_pieces(source.text, today)
        if new_text == source.text:
            continue
        try:
            ast.parse(new_text)
        except SyntaxError as error:
            result.failures.append((relative, f"left as it was: without its compat code it would not parse "
                                              f"(line {error.lineno}: {error.msg})"))
            continue
        result.changed[relative] = (source.text, new_text)
    result.skipped += [(_relative(root, link), "a symlink: symlinks are neither read nor rewritten") for link in links]
    if write and not result.failures and not result.nested:
        _write(root, result)
    return result


def _write(root: Path, result: Cleanup) -> None:
    """The edits and deletions as one transaction (termshift.transaction): all of them or none."""
    from termshift import transaction

    encoded = []
    for relative, (_, new_text) in result.changed.items():
        try:
            encoded.append((root / relative, files.encode_source(root / relative, new_text,
                                                                 files.read_source(root / relative))))
        except files.SourceError as error:
            result.failures.append((relative, str(error)))
    if result.failures:
        return
    with transaction.begin(root) as journal:
        for path, data in encoded:
            journal.write(path, data)
        for relative in result.deleted:
            _delete_module(root, root / relative, journal)


def _delete_module(root: Path, path: Path, journal) -> None:
    """Delete a shim module, its bytecode, and the folders it leaves empty (an old package)."""
    journal.delete(path)
    cache = path.parent / "__pycache__"
    for pyc in cache.glob(f"{path.stem}.*.pyc") if cache.is_dir() else ():
        pyc.unlink(missing_ok=True)
    folder = path.parent
    while folder != root and root in folder.parents:
        if any(entry.name != "__pycache__" for entry in folder.iterdir()):
            break
        shutil.rmtree(folder / "__pycache__", ignore_errors=True)  # only stale bytecode is left in it
        journal.rmdir(folder)
        folder = folder.parent


def _relative(root: Path, path: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()
