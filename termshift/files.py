"""Finding, reading and writing files: the only module that touches the disk.

Keeping every file-system decision here means the rest of termshift works on
paths and strings, and the rules that protect users' files (what is skipped,
how encodings and newlines survive a rewrite, how a write can never leave a
half-written module behind) live in one reviewable place.
"""

from __future__ import annotations

import codecs
import errno
import io
import os
import re
import stat
import subprocess
import tokenize
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from . import replay, roots

if TYPE_CHECKING:
    from pathspec import GitIgnoreSpec

__all__ = [
    "DEFAULT_EXCLUDES",
    "PROJECT_MARKERS",
    "SourceError",
    "SourceText",
    "discover",
    "find_root",
    "is_generated",
    "is_python_script",
    "move_path",
    "read_bytes_prefilter",
    "read_mentioning",
    "decode_source",
    "encode_source",
    "read_source",
    "write_source",
]

PROJECT_MARKERS = roots.PROJECT_MARKERS

# Directories no rename should ever reach into: tool state, virtualenvs,
# installed or built copies of the code. Renaming there is at best wasted work
# and at worst corrupts an environment, so they apply even without a .gitignore.
DEFAULT_EXCLUDES: tuple[str, ...] = (
    ".git/",
    "__pycache__/",
    ".venv/",
    "venv/",
    ".tox/",
    ".nox/",
    "node_modules/",
    "*.egg-info/",
    ".eggs/",
    "build/",
    "dist/",
    ".termshift_cache/",
    "site-packages/",
)

_GITIGNORE = ".gitignore"
# A package's rename manifest (manifest.py): data for the projects that use it, never its code.
MANIFEST = "_termshift_renames.py"
NEW_FILE_MODE = _NEW_FILE_MODE = 0o644
_GENERATED_MARKER = "@generated"
_GENERATED_WINDOW = 4096


# --------------------------------------------------------------------------
# Project root
# --------------------------------------------------------------------------


def find_root(start: Path) -> Path:
    """roots.find_root, for paths."""
    return Path(roots.find_root(str(start)))


# --------------------------------------------------------------------------
# Discovery
# --------------------------------------------------------------------------


def _spec(lines: Sequence[str]) -> GitIgnoreSpec:
    from pathspec import GitIgnoreSpec  # only when there is a .gitignore or a configured exclude

    return GitIgnoreSpec.from_lines(lines)


class _DefaultExcludes:
    """DEFAULT_EXCLUDES as a matcher, without pathspec: each is a folder name
    (or `*.egg-info`), excluded at any depth with everything under it."""

    _NAMES = frozenset(pattern.rstrip("/") for pattern in DEFAULT_EXCLUDES if "*" not in pattern)

    def match_file(self, path: str) -> bool:
        """`path` is relative; a folder's ends with "/"."""
        folders = path[:-1].split("/") if path.endswith("/") else path.split("/")[:-1]
        return any(part in self._NAMES or part.endswith(".egg-info") for part in folders)


def _verdict(spec: GitIgnoreSpec, rel: str) -> bool | None:
    """True (ignored), False (re-included by a `!` pattern) or None (no pattern matched).

    The tri-state is what lets a nested .gitignore override its parents only
    where it says something. pathspec >= 0.12 offers check_file; older
    releases (pyproject allows 0.11) get the same last-match-wins answer by
    hand.
    """
    check_file = getattr(spec, "check_file", None)
    if check_file is not None:
        include: bool | None = check_file(rel).include
        return include
    for pattern in reversed(spec.patterns):
        if pattern.include is not None and pattern.match_file(rel) is not None:
            return bool(pattern.include)
    return None


class _Rules:
    """Exclusion rules anchored at one base directory.

    `forced` patterns (defaults plus the user's) always win; .gitignore files
    are consulted from the nearest folder upwards so that, as in git, a deeper
    .gitignore has the last word about its own subtree.
    """

    def __init__(self, base: Path, forced: Sequence[str], use_gitignore: bool) -> None:
        self.base = base
        self._forced = _DefaultExcludes() if tuple(forced) == DEFAULT_EXCLUDES else _spec(forced)
        self._use_gitignore = use_gitignore
        # Folder (POSIX, relative to base, "" for base) -> the .gitignore specs
        # that speak about its entries, nearest first, each with the prefix
        # that makes a base-relative path relative to that .gitignore's folder.
        self._chains: dict[str, list[tuple[int, GitIgnoreSpec]]] = {}
        self._folder_verdicts: dict[str, bool] = {}  # folder (relative) -> excluded by itself
        self._tracked: tuple[frozenset[str], frozenset[str]] | None = None  # see _tracked_though_ignored

    def covers(self, path: Path) -> bool:
        return path.is_relative_to(self.base)

    def _chain(self, folder: str) -> list[tuple[int, GitIgnoreSpec]]:
        """Computed once per folder: a walk asks this for every entry of it."""
        chain = self._chains.get(folder)
        if chain is None:
            spec = _load_gitignore(self.base.joinpath(folder, _GITIGNORE) if folder else self.base / _GITIGNORE)
            own = [(len(folder) + 1 if folder else 0, spec)] if spec is not None else []
            chain = own + (self._chain(folder.rpartition("/")[0]) if folder else [])
            self._chains[folder] = chain
        return chain

    def ignores(self, path: Path, is_dir: bool) -> bool:
        """Whether `path` itself is excluded, assuming its folders are not.

        Walking relies on that assumption (excluded folders are pruned); for
        a path named directly use `ignores_anywhere`.
        """
        if path == self.base:
            return False
        return self.ignores_relative(path.relative_to(self.base).as_posix(), is_dir)

    def ignores_relative(self, relative: str, is_dir: bool) -> bool:
        """`ignores` for a POSIX path relative to the base, which the walk has at hand.

        Discovery runs on every file of the project on every run, so it works
        on strings: building and comparing Path objects cost more than the
        pattern matching itself.
        """
        as_pattern_sees_it = relative + "/" if is_dir else relative
        if self._forced.match_file(as_pattern_sees_it):
            return True
        if not self._use_gitignore:
            return False
        for prefix, spec in self._chain(relative.rpartition("/")[0]):
            verdict = _verdict(spec, as_pattern_sees_it[prefix:])
            if verdict is not None:
                return verdict and not self._tracked_though_ignored(relative, is_dir)
        return False

    def _tracked_though_ignored(self, relative: str, is_dir: bool) -> bool:
        """Is a path a .gitignore matches a file git tracks all the same, or a folder holding one? A
        .gitignore speaks only of untracked files: a tracked one is the project's (`hadoop_test.py`
        ignored by a pattern meant for a generated file, committed before it), and its uses of the
        project's names must move with them. Asked of git once, when a .gitignore first excludes
        something; without git (or a repository) there is no such file."""
        if self._tracked is None:
            tracked: frozenset[str] = frozenset()
            try:
                done = subprocess.run(["git", "ls-files", "-z", "--cached", "--ignored", "--exclude-standard"],
                                      cwd=self.base, capture_output=True, timeout=30)
                if done.returncode == 0:
                    tracked = frozenset(name for name in done.stdout.decode("utf-8", "surrogateescape").split("\0") if name)
            except (OSError, subprocess.SubprocessError):
                pass
            folders = frozenset(name[:end] for name in tracked for end in _slashes(name))
            self._tracked = (tracked, folders)
        return relative in self._tracked[1 if is_dir else 0]

    def ignores_anywhere(self, path: Path, is_dir: bool) -> bool:
        """Whether `path` or any folder between the base and it is excluded.

        As in git, a file inside an ignored folder stays ignored even if a
        pattern would re-include the file itself.
        """
        if path == self.base:
            return False
        relative = path.relative_to(self.base).as_posix()
        folder_end = relative.find("/")
        while folder_end != -1:
            if self._ignores_folder(relative[:folder_end]):
                return True
            folder_end = relative.find("/", folder_end + 1)
        return self.ignores_relative(relative, is_dir)

    def _ignores_folder(self, folder: str) -> bool:
        """Remembered: pre-commit names many files in the same few folders."""
        verdict = self._folder_verdicts.get(folder)
        if verdict is None:
            verdict = self._folder_verdicts[folder] = self.ignores_relative(folder, is_dir=True)
        return verdict


def _slashes(name: str) -> Iterator[int]:
    at = name.find("/")
    while at != -1:
        yield at
        at = name.find("/", at + 1)


def _load_gitignore(path: Path) -> GitIgnoreSpec | None:
    """A .gitignore as a spec; unreadable ones count as absent rather than fatal."""
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return None
    return _spec(lines) if lines else None


def _existing(path: Path) -> Path:
    """Absolute and resolved, or FileNotFoundError naming the path as given."""
    if not path.exists():
        raise FileNotFoundError(errno.ENOENT, os.strerror(errno.ENOENT), str(path))
    return path.resolve()


def _has_suffix(path: Path, suffixes: tuple[str, ...]) -> bool:
    return path.name.endswith(suffixes)


# `#!/usr/bin/env python3`, `#!/usr/bin/python3.12 -u`, `#!/usr/bin/env -S pypy3`: the first line only.
_PYTHON_SHEBANG = re.compile(rb"#!(?:[^\r\n]*?[/\s])?(?:python|pypy)[0-9.]*(?:\s|$)")


def is_python_script(path: str) -> bool:
    """A file without an extension whose first line runs Python: a script (`bin/deploy`, `manage`).

    Scripts are installed and run by name, so they often have no `.py`; they are
    Python all the same, and pre-commit's `types: [python]` passes them too. Only
    names without a dot are read (two hundred bytes at most), so a walk opens no
    data file, image or archive to ask.
    """
    if "." in os.path.basename(path):
        return False
    if replay.observing is not None:  # read to decide: a shebang added later must be seen by a replay
        replay.observing.files.add(path)
    try:
        with open(path, "rb") as handle:
            head = handle.read(200)
    except OSError:
        return False
    if not head.startswith(b"#!"):
        return False
    first = head.split(b"\n", 1)[0]
    return _PYTHON_SHEBANG.match(first) is not None


def _walk(top: Path, rules: _Rules, suffixes: tuple[str, ...],
          links: list[Path] | None = None, nested: list[Path] | None = None,
          scripts: bool = False) -> Iterator[Path]:
    """Files under `top`, pruning excluded folders before ever listing them; with
    `scripts`, also Python scripts without an extension (is_python_script).

    Symlinks are skipped: followed directory links can loop or lead out of the
    project, and the real file behind an in-project file link is found anyway.
    A folder below `top` that is a project's root of its own (a monorepo's
    sub-project: it holds a pyproject.toml, setup.cfg, setup.py or .git) is
    that project's, checked with its own configuration and index: it is
    passed by, and added to `nested` when given.
    Folders travel as (path, path relative to the rules' base) strings; only
    the files found become Path objects.
    """
    top_relative = "" if top == rules.base else top.relative_to(rules.base).as_posix()
    pending = [(str(top), top_relative)]
    top_folder = str(top)
    watched = replay.observing.folders if replay.observing is not None else None
    while pending:
        folder, relative = pending.pop()
        if watched is not None:
            watched.add(folder)
        prefix = relative + "/" if relative else ""
        with os.scandir(folder) as scan:
            entries = list(scan)
        if folder != top_folder and roots.marks_a_project({entry.name for entry in entries}, folder):
            if nested is not None:
                nested.append(Path(folder))
            continue
        for entry in entries:
            if entry.is_symlink():
                if links is not None and (entry.name.endswith(suffixes) or entry.is_dir()) and not \
                        rules.ignores_relative(prefix + entry.name, is_dir=entry.is_dir()):
                    links.append(Path(entry.path))
                continue
            if entry.is_dir():
                if not rules.ignores_relative(prefix + entry.name, is_dir=True):
                    pending.append((entry.path, prefix + entry.name))
            elif entry.name.endswith(suffixes) or scripts and "." not in entry.name:
                if entry.is_file() and entry.name != MANIFEST and not rules.ignores_relative(
                        prefix + entry.name, is_dir=False) and (
                        entry.name.endswith(suffixes) or is_python_script(entry.path)):
                    yield Path(entry.path)


def within_root(root: Path, paths: Sequence[Path]) -> tuple[list[Path], list[tuple[str, str]]]:
    """The `paths` a command may read as project code and write: resolved, inside `root`, and
    not symlinks (a link's target may be anywhere, and renaming through it leaves it dangling).
    Returns them and the others, each as (the path as given, why it is skipped).

    Only the last part of a path is checked for a link: the folders above it are resolved,
    so a folder link leading out of the project puts the path outside the root.
    """
    root = Path(os.path.realpath(root))
    kept: list[Path] = []
    skipped: list[tuple[str, str]] = []
    for given in paths:
        absolute = os.path.abspath(given)
        parent, name = os.path.split(absolute)
        here = os.path.join(os.path.realpath(parent), name) if name else os.path.realpath(absolute)
        if os.path.islink(here):
            target = os.path.realpath(here)
            where = "inside the project" if Path(target).is_relative_to(root) else "outside the project"
            skipped.append((str(given), f"a symlink to {target} ({where}): symlinks are neither read nor rewritten"))
        elif not Path(here).is_relative_to(root):
            skipped.append((str(given), f"outside the project root {root}: not read or rewritten"))
        else:
            kept.append(Path(here))
    return kept, skipped


def discover(
    root: Path,
    paths: Sequence[Path],
    excludes: Sequence[str] = (),
    suffixes: tuple[str, ...] = (".py", ".pyi"),
    links: list[Path] | None = None,
    nested: list[Path] | None = None,
) -> list[Path]:
    """Absolute, resolved, sorted, de-duplicated file paths.

    Explicitly named paths get the same exclusions as walked ones because
    tools like pre-commit pass every changed file by name, vendored and
    generated ones included. Outside `root` no project pattern can apply: a
    named file there only needs the right suffix, and a named directory
    there is walked with DEFAULT_EXCLUDES only (relative to that directory),
    so it still never descends into a .git or a virtualenv. The symlinks the walk
    skips (files with the suffixes, and folders) are added to `links` when given,
    and the sub-projects' roots it passes by to `nested` (see `_walk`).
    Looking for `.py`, Python scripts without an extension are found too
    (is_python_script), named or walked, excluded by the same rules.
    """
    project = _Rules(root.resolve(), (*DEFAULT_EXCLUDES, *excludes), use_gitignore=True)
    scripts = ".py" in suffixes
    found: set[Path] = set()
    for given in paths:
        path = _existing(given)
        is_dir = path.is_dir()
        inside = project.covers(path)
        if inside and project.ignores_anywhere(path, is_dir):
            continue
        if is_dir:
            rules = project if inside else _Rules(path, DEFAULT_EXCLUDES, use_gitignore=False)
            found.update(_walk(path, rules, suffixes, links, nested, scripts))
        elif (_has_suffix(path, suffixes) or scripts and is_python_script(str(path))) and path.name != MANIFEST:
            found.add(path)
    if replay.observing is not None:
        replay.observing.files.update(map(str, found))
    return sorted(found, key=path_order)


def path_order(path: Path) -> tuple[str, ...] | Path:
    """The order of `sorted(paths)`, compared in C: on POSIX, Path compares its parts."""
    return path.parts if os.name == "posix" else path


# --------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------


class SourceError(Exception):
    """A file that can't be read as Python source: message says why (undecodable, unreadable).

    One exception type per file problem lets the caller report the file and
    carry on with the rest of the codebase.
    """


@dataclass(frozen=True)
class SourceText:
    """A decoded file plus everything needed to write it back byte-identical."""

    text: str
    encoding: str
    bom: bool
    newline: str


def _dominant_newline(text: str) -> str:
    """The most common line ending; ties prefer "\\n", then "\\r\\n".

    Code generated for a file (new imports, moved lines) must use the file's
    own convention or the rewrite shows up as a whole-file diff.
    """
    if "\r" not in text:  # most files: one fast look instead of three counts
        return "\n"
    crlf = text.count("\r\n")
    counts = {"\n": text.count("\n") - crlf, "\r\n": crlf, "\r": text.count("\r") - crlf}
    best = max(counts, key=lambda newline: counts[newline])
    return best if counts[best] else "\n"


def read_source(path: Path) -> SourceText:
    """Decode a Python file the way the interpreter would, keeping its bytes recoverable.

    Newlines are not translated so that an unchanged text writes back to the
    exact same bytes.
    """
    try:
        raw = _read_all(path)
    except OSError as error:
        raise SourceError(f"{path}: cannot read: {error.strerror or error}") from error
    return decode_source(path, raw)


def decode_source(path: Path, raw: bytes) -> SourceText:
    """`read_source` for bytes already read: the pre-filter keeps the bytes of
    the files that mention the term, so they are read from disk only once."""
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(raw).readline)
    except SyntaxError as error:
        raise SourceError(f"{path}: bad encoding declaration: {error.msg}") from error
    bom = raw.startswith(codecs.BOM_UTF8)
    if bom:
        raw = raw[len(codecs.BOM_UTF8) :]
        encoding = "utf-8"
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError as error:
        raise SourceError(
            f"{path}: not valid {encoding}: {error.reason} at byte {error.start}"
        ) from error
    return SourceText(text=text, encoding=encoding, bom=bom, newline=_dominant_newline(text))


def read_bytes_prefilter(path: Path, needles: tuple[bytes, ...]) -> bool:
    """True when the file's bytes contain any needle case-insensitively (needles are given lowercase).

    Parsing is the expensive step; most files never mention the term, and a
    byte search rules them out first. Only ASCII is case-folded, so needles
    should be ASCII. An unreadable file returns True so that the full read
    fails and gets reported instead of silently vanishing.
    """
    return read_mentioning(path, needles)[0]


def read_mentioning(path: Path, needles: tuple[bytes, ...], also: bytes | None = None) -> tuple[bool, bytes | None, bool]:
    """`read_bytes_prefilter`, also handing back the bytes read (None when unreadable) and
    whether they hold `also` (case-insensitively too): one read answers both questions."""
    try:
        data = _read_all(path)
    except OSError:
        return True, None, also is not None
    lowered = data.lower()
    return any(needle in lowered for needle in needles), data, also is not None and also in lowered


# Files whose text comes from elsewhere than the disk: `check --stdin-filename PATH` reads PATH's
# text from stdin (an editor's unsaved buffer). Absolute path -> bytes; every read of the run
# (pre-filter, analysis, cache digests) sees them, forked workers included.
OVERRIDES: dict[str, bytes] = {}


def _read_all(path: Path) -> bytes:
    """The file's bytes in one read, skipping the buffered-file layer.

    The pre-filter reads every file of the project on every run; a plain
    open/read/close is about a third cheaper than Path.read_bytes.
    """
    if OVERRIDES:
        given = OVERRIDES.get(os.path.abspath(path))
        if given is not None:
            return given
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0))
    try:
        size = os.fstat(fd).st_size
        data = os.read(fd, size + 1)
        if len(data) <= size:  # a short read: the whole file
            return data
        chunks = [data]  # the file grew, or fstat can't tell its size (a pipe, /proc)
        while chunk := os.read(fd, 1 << 16):
            chunks.append(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def is_generated(text: str) -> bool:
    """True when "@generated" appears in the first 4 KB.

    Generated files are rewritten by their generator; editing them by hand
    is lost on the next run, so callers skip them.
    """
    return _GENERATED_MARKER in text[:_GENERATED_WINDOW]


# The bytes that hold a text's first _GENERATED_WINDOW characters, whatever its encoding (at most
# four bytes a character, after a byte-order mark).
GENERATED_HEAD = _GENERATED_WINDOW * 4 + len(codecs.BOM_UTF8)


def may_be_generated(head: bytes) -> bool:
    """Could a file whose first GENERATED_HEAD bytes are `head` be generated (`is_generated`)? Not
    unless they hold the marker: a file without it needs no decoding to tell."""
    return _GENERATED_MARKER.encode() in head[:GENERATED_HEAD]


def read_head(path: Path, size: int) -> bytes:
    """The file's first `size` bytes (an editor's buffer's, for a file in OVERRIDES)."""
    if OVERRIDES:
        given = OVERRIDES.get(os.path.abspath(path))
        if given is not None:
            return given[:size]
    with open(path, "rb") as stream:
        return stream.read(size)


# --------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------


def _encode(path: Path, text: str, like: SourceText) -> bytes:
    """Bytes for `text` in the file's own encoding, before anything touches the disk."""
    try:
        data = text.encode(like.encoding)
    except UnicodeEncodeError as error:
        raise SourceError(
            f"{path}: new text cannot be encoded as {like.encoding}: "
            f"{error.object[error.start : error.end]!r}"
        ) from error
    return codecs.BOM_UTF8 + data if like.bom else data


def encode_source(path: Path, text: str, like: SourceText) -> bytes:
    """The bytes `write_source` would write (SourceError when the encoding can't hold the text)."""
    return _encode(path, text, like)


def _target_mode(path: Path) -> int:
    try:
        return stat.S_IMODE(os.stat(path).st_mode)
    except FileNotFoundError:
        return _NEW_FILE_MODE


def write_source(path: Path, text: str, like: SourceText) -> None:
    """Replace `path` atomically with `text` encoded like the original.

    A crash or a full disk mid-write must never leave a truncated module, so
    the bytes go to a temporary sibling (same file system, so os.replace is
    atomic) that only takes the target's place once complete. Raises
    SourceError, before any file is created, when the text cannot be encoded.
    """
    data = _encode(path, text, like)
    mode = _target_mode(path)
    import tempfile  # here: most runs write nothing

    fd, temp_name = tempfile.mkstemp(
        dir=path.parent, prefix=f".{path.name}.", suffix=".termshift-tmp"
    )
    try:
        with os.fdopen(fd, "wb") as temp:
            temp.write(data)
            temp.flush()
            os.fsync(temp.fileno())
        os.chmod(temp_name, mode)
        os.replace(temp_name, path)
    except BaseException:
        try:
            os.unlink(temp_name)
        except FileNotFoundError:
            pass
        raise


def move_path(src: Path, dst: Path) -> None:
    """Rename a module file or package directory, refusing to overwrite.

    os.rename silently replaces an existing file on POSIX; losing a module
    that happens to carry the new name would be unrecoverable, so an existing
    `dst` raises FileExistsError instead.
    """
    if os.path.lexists(dst):
        raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), str(dst))
    os.rename(src, dst)
