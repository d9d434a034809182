"""The files of one run, as the analysis reads them: each read, decoded and parsed at most once.

The pre-filter's bytes of a file that mentions the term are kept until it is
decoded; its text and tree until its search is done (a project's trees together
are what would make memory grow with it). A file that can't be read, decoded or
parsed is a `Problem`, reported where it is and never renamed into.
"""

from __future__ import annotations

import ast
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import files, slices
from .roots import relative_posix
from .sourcetable import SourceTable


@dataclass(frozen=True)
class Problem:
    """A file-level failure: unreadable, undecodable or unparsable."""

    path: str
    line: int
    column: int
    message: str


# A file whose expressions nest deeper than the analysis can follow (Python's recursion limit):
# reported, and its names kept, while the rest of the run goes on.
TOO_DEEP = ("can't analyse: an expression nests too deeply (split it into smaller ones); "
            "its names are kept everywhere")


class Workspace:
    """Reads and parses each file at most once per run."""

    def __init__(self, root: Path):
        self.root = root
        self.sources: SourceTable[Path] = SourceTable()  # spilled in a large run (sourcetable.py)
        self.trees: dict[Path, ast.Module | None] = {}
        self.errors: dict[Path, Problem] = {}
        # The bytes the pre-filter read of the files that mention the term, until each is decoded (a
        # project's sources are then held once, not twice), and their sizes (the work each file is).
        self.raw: dict[Path, bytes | None] = {}
        self.sizes: dict[Path, int] = {}
        # Where each module's strings sit (literals.string_context), made for the string facts and
        # read again by the search of the same file.
        self.strings: dict[Path, Any] = {}

    def __getstate__(self) -> dict[str, Any]:
        """Shipped to pool workers that can't fork: without the trees, which they re-parse as needed."""
        return {**self.__dict__, "trees": {}, "errors": {}, "strings": {}}

    def keep(self, path: Path, data: bytes | None, size: int) -> None:
        """The pre-filter's read of a file that mentions the term (its bytes, unless it is a large
        project's, which are read again as each is decoded): decoded, or hashed, next."""
        if data is not None:
            self.raw[path] = data
        self.sizes[path] = size

    def size(self, path: Path) -> int:
        """How much work a module is, by its bytes: read already when it mentions the term."""
        known = self.sizes.get(path)
        if known is not None:
            return known
        try:
            return os.stat(path).st_size
        except OSError:
            return 0

    def read(self, path: Path) -> bytes | None:
        """The file's bytes (None when unreadable), from the pre-filter's read while it is kept."""
        if path in self.raw:
            return self.raw[path]
        try:
            return files._read_all(path)
        except OSError:
            return None

    def relative(self, path: Path) -> str:
        return relative_posix(str(self.root), str(path))

    def source(self, path: Path) -> files.SourceText | None:
        if path in self.sources:
            return self.sources[path]
        try:
            raw = self.raw.pop(path, None)
            source = files.read_source(path) if raw is None else files.decode_source(path, raw)
        except files.SourceError as error:
            source = None
            self.errors[path] = Problem(self.relative(path), 1, 0, str(error))
        self.sources[path] = source
        return source

    def text(self, path: Path) -> str | None:
        source = self.source(path)
        return None if source is None else source.text

    def generated(self, path: Path) -> bool:
        """`files.is_generated`, decoding the file only when its first bytes hold the marker."""
        if path not in self.sources:
            head = self.raw.get(path)
            try:
                if not files.may_be_generated(head if head is not None else files.read_head(path, files.GENERATED_HEAD)):
                    return False
            except OSError:
                pass  # decoded below, which reports it
        source = self.source(path)
        return source is not None and files.is_generated(source.text)

    def tree(self, path: Path) -> ast.Module | None:
        """The file's syntax tree, kept until `drop`: the file's summary and search both read it."""
        if path not in self.trees:
            self.trees[path] = self.parse(path)
        return self.trees[path]

    def parse(self, path: Path) -> ast.Module | None:
        """The file's syntax tree, not kept (unless it is already): a module summarised on demand
        is read once, and its summary is what lives on."""
        if path in self.trees:
            return self.trees[path]
        source = self.source(path)
        if source is None:
            return None
        try:
            return slices.parse(source.text, filename=str(path))
        except RecursionError:
            self.errors[path] = Problem(self.relative(path), 1, 0, TOO_DEEP)
        except (SyntaxError, ValueError) as error:
            line = getattr(error, "lineno", None) or 1
            column = max((getattr(error, "offset", None) or 1) - 1, 0)
            message = getattr(error, "msg", None) or str(error)
            self.errors[path] = Problem(self.relative(path), line, column, f"can't parse: {message}")
        return None

    def drop(self, path: Path) -> None:
        """Forget the file's tree and string positions: its search is done (or far off), and a
        project's trees together are what would make memory grow with it (~50x the source)."""
        self.trees.pop(path, None)
        self.strings.pop(path, None)
