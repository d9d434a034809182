"""Tests for termshift.files: discovery, decoding and atomic rewriting on a real disk."""

from __future__ import annotations

import codecs
import os
import re
import shutil
import stat
import subprocess
from collections.abc import Iterable
from pathlib import Path

import pytest

from termshift import files
from termshift import prefilter as prefilter_module
from termshift.files import (
    DEFAULT_EXCLUDES,
    PROJECT_MARKERS,
    SourceError,
    SourceText,
    discover,
    find_root,
    is_generated,
    move_path,
    read_bytes_prefilter,
    read_source,
    write_source,
)


def make(root: Path, *names: str, content: str = "x = 1\n") -> None:
    """Create files (and their folders) under root."""
    for name in names:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8")


def rel(root: Path, paths: Iterable[Path]) -> list[str]:
    return [p.relative_to(root).as_posix() for p in paths]


@pytest.fixture
def root(tmp_path: Path) -> Path:
    project = tmp_path / "proj"
    project.mkdir()
    (project / "pyproject.toml").write_text("[project]\nname = 'p'\n", encoding="utf-8")
    return project.resolve()


# --------------------------------------------------------------------------
# find_root
# --------------------------------------------------------------------------


@pytest.mark.parametrize("marker", PROJECT_MARKERS)
def test_find_root_each_marker_from_a_nested_dir(tmp_path: Path, marker: str) -> None:
    project = tmp_path / "proj"
    deep = project / "src" / "pkg"
    deep.mkdir(parents=True)
    if marker == ".git":
        (project / marker).mkdir()
    else:
        (project / marker).write_text("", encoding="utf-8")
    assert find_root(deep) == project.resolve()
    assert find_root(project) == project.resolve()


def test_find_root_accepts_a_git_file_as_marker(tmp_path: Path) -> None:
    # Worktrees and submodules have a .git *file*.
    (tmp_path / ".git").write_text("gitdir: ../elsewhere\n", encoding="utf-8")
    (tmp_path / "a").mkdir()
    assert find_root(tmp_path / "a") == tmp_path.resolve()


def test_find_root_from_a_file_starts_at_its_folder(tmp_path: Path) -> None:
    make(tmp_path, "setup.py", "pkg/mod.py")
    assert find_root(tmp_path / "pkg" / "mod.py") == tmp_path.resolve()


def test_find_root_prefers_the_nearest_project(tmp_path: Path) -> None:
    make(tmp_path, "pyproject.toml", "libs/inner/setup.cfg", "libs/inner/src/m.py")
    assert find_root(tmp_path / "libs" / "inner" / "src") == (tmp_path / "libs" / "inner").resolve()
    assert find_root(tmp_path / "libs") == tmp_path.resolve()


def test_find_root_resolves_relative_start(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    make(tmp_path, "setup.cfg", "a/b/m.py")
    monkeypatch.chdir(tmp_path / "a")
    assert find_root(Path("b")) == tmp_path.resolve()


def test_find_root_without_markers_returns_start(tmp_path: Path) -> None:
    start = tmp_path / "plain" / "dir"
    start.mkdir(parents=True)
    if any((p / m).exists() for p in start.resolve().parents for m in PROJECT_MARKERS):
        pytest.skip("an ancestor of tmp_path holds a project marker")
    assert find_root(start) == start.resolve()
    make(start, "script.py")
    assert find_root(start / "script.py") == start.resolve()


# --------------------------------------------------------------------------
# discover
# --------------------------------------------------------------------------


def test_discover_honours_root_and_nested_gitignore(root: Path) -> None:
    make(
        root,
        "app.py",
        "stubs.pyi",
        "notes.txt",
        "ignored.py",
        "generated/schema.py",
        "local.py",
        "sub/x.py",
        "special.gen.py",
        "pkg/__init__.py",
        "pkg/local.py",
        "pkg/sub/x.py",
        "pkg/special.gen.py",
        "pkg/other.gen.py",
        "pkg/deeper/local.py",
        "pkg/deeper/sub/y.py",
    )
    (root / ".gitignore").write_text(
        "# comment\nignored.py\n/generated/\n*.gen.py\n", encoding="utf-8"
    )
    # Anchored to pkg/; overrides the root file only inside pkg/.
    (root / "pkg" / ".gitignore").write_text(
        "/sub/\nlocal.py\n!special.gen.py\n", encoding="utf-8"
    )
    found = discover(root, [root])
    assert rel(root, found) == [
        "app.py",
        "local.py",  # pkg/.gitignore does not reach up
        "pkg/__init__.py",
        "pkg/deeper/sub/y.py",  # "/sub/" is anchored at pkg/, not pkg/deeper/
        "pkg/special.gen.py",  # re-included by the nested negation
        "stubs.pyi",
        "sub/x.py",  # "/sub/" in pkg/.gitignore is relative to pkg/
    ]
    assert all(p.is_absolute() for p in found)


def test_discover_skips_default_excludes(root: Path) -> None:
    make(
        root,
        "keep.py",
        ".venv/lib/python3.11/site-packages/dep.py",
        "venv/x.py",
        ".git/hooks/h.py",
        "__pycache__/keep.cpython-311.py",
        ".tox/py311/x.py",
        ".nox/s/x.py",
        "node_modules/pkg/x.py",
        "termshift.egg-info/x.py",
        ".eggs/x.py",
        "build/lib/keep.py",
        "dist/x.py",
        ".termshift_cache/x.py",
        "lib/site-packages/dep.py",
        "src/build/x.py",
    )
    assert rel(root, discover(root, [root])) == ["keep.py"]
    assert ".venv/" in DEFAULT_EXCLUDES


def test_discover_does_not_walk_excluded_dirs(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    make(root, "src/a.py", ".venv/lib/b.py", "ignored_dir/c.py", "node_modules/d/e.py")
    (root / ".gitignore").write_text("ignored_dir/\n", encoding="utf-8")
    visited: list[Path] = []
    real_scandir = os.scandir

    def recording_scandir(path: os.PathLike[str] | str) -> object:
        visited.append(Path(path).resolve())
        return real_scandir(path)

    monkeypatch.setattr(files.os, "scandir", recording_scandir)
    assert rel(root, discover(root, [root])) == ["src/a.py"]
    assert root in visited and root / "src" in visited
    for pruned in (".venv", "ignored_dir", "node_modules"):
        assert not any(v == root / pruned or (root / pruned) in v.parents for v in visited)


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_a_file_git_tracks_is_the_projects_though_a_gitignore_matches_it(root: Path) -> None:
    # A .gitignore speaks of untracked files only: `hadoop_test.py`, committed before a pattern
    # meant for a generated file, is still the project's, and so is the folder holding one.
    make(root, "app.py", "tests/hadoop_test.py", "tests/scratch_test.py", "build/tool.py", "out/kept.py", "out/junk.py")
    (root / ".gitignore").write_text("hadoop_test.py\nscratch_test.py\nout/\n", encoding="utf-8")
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@t", "-c", "init.defaultBranch=main"]
    subprocess.run([*git, "init", "-q"], cwd=root, check=True)
    subprocess.run([*git, "add", "-A"], cwd=root, check=True)
    subprocess.run([*git, "add", "-f", "tests/hadoop_test.py", "out/kept.py"], cwd=root, check=True)
    found = rel(root, discover(root, [root]))
    assert sorted(found) == ["app.py", "out/kept.py", "tests/hadoop_test.py"]  # build/ stays excluded by default
    assert rel(root, discover(root, [root / "tests" / "hadoop_test.py"])) == ["tests/hadoop_test.py"]


def test_discover_applies_excludes_to_named_files(root: Path) -> None:
    make(root, "legacy/old.py", "src/new.py", ".venv/x.py", "gen.py", "vendored/y.py")
    (root / ".gitignore").write_text("gen.py\n", encoding="utf-8")
    named = [
        root / "legacy" / "old.py",
        root / "src" / "new.py",
        root / ".venv" / "x.py",
        root / "gen.py",
        root / "vendored" / "y.py",
    ]
    found = discover(root, named, excludes=["legacy/", "/vendored"])
    assert rel(root, found) == ["src/new.py"]
    # Excluded directories named explicitly are not walked either.
    assert discover(root, [root / "legacy", root / ".venv"], excludes=["legacy/"]) == []


def test_discover_named_file_inside_ignored_dir_cannot_be_reincluded(root: Path) -> None:
    make(root, "out/keep.py")
    (root / ".gitignore").write_text("out/\n!out/keep.py\n", encoding="utf-8")
    assert discover(root, [root / "out" / "keep.py"]) == []
    assert discover(root, [root]) == []


def test_discover_user_excludes_are_relative_to_root(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    make(root, "a/skip.py", "a/b/skip.py", "a/keep.py")
    monkeypatch.chdir(root / "a")
    found = discover(root, [Path("."), Path("b/skip.py")], excludes=["/a/skip.py", "b/"])
    assert rel(root, found) == ["a/keep.py"]


def test_discover_skips_named_files_with_other_suffixes(root: Path) -> None:
    make(root, "README.md", "setup.cfg", "script", "mod.py", "mod.pyi")
    named = [root / n for n in ("README.md", "setup.cfg", "script", "mod.py", "mod.pyi")]
    assert rel(root, discover(root, named)) == ["mod.py", "mod.pyi"]
    assert rel(root, discover(root, named, suffixes=(".md",))) == ["README.md"]


SCRIPT = "#!/usr/bin/env python3\nprint('hi')\n"


@pytest.mark.parametrize("first_line", ["#!/usr/bin/env python3", "#!/usr/bin/python", "#! /usr/bin/env python",
                                        "#!/usr/bin/python3.12 -u", "#!/usr/bin/env -S pypy3", "#!python"])
def test_discover_finds_python_scripts_without_an_extension(root: Path, first_line: str) -> None:
    make(root, "bin/deploy", "manage", "mod.py", content=first_line + "\nimport sys\n")
    make(root, "bin/run.sh", "bin/shell-tool", "README", "data/blob", content="#!/bin/sh\necho python\n")
    make(root, "bin/notes", content="python, but no shebang\n")
    (root / "data" / "image").write_bytes(b"\x89PNG\r\n#!python")
    assert rel(root, discover(root, [root])) == ["bin/deploy", "manage", "mod.py"]
    # Named, as pre-commit passes them: the same answer.
    named = [root / name for name in ("bin/deploy", "bin/shell-tool", "bin/run.sh", "README", "manage")]
    assert rel(root, discover(root, named)) == ["bin/deploy", "manage"]


def test_discover_scripts_only_where_python_is_asked_for(root: Path) -> None:
    make(root, "bin/deploy", content=SCRIPT)
    assert discover(root, [root], suffixes=(".md",)) == []
    assert discover(root, [root / "bin" / "deploy"], suffixes=(".md",)) == []


def test_discover_excludes_scripts_as_any_file(root: Path) -> None:
    make(root, "bin/deploy", "tools/gen", "build/out", "legacy/old", content=SCRIPT)
    (root / ".gitignore").write_text("tools/gen\n", encoding="utf-8")
    found = discover(root, [root], excludes=["legacy/"])
    assert rel(root, found) == ["bin/deploy"]
    named = [root / name for name in ("bin/deploy", "tools/gen", "build/out", "legacy/old")]
    assert rel(root, discover(root, named, excludes=["legacy/"])) == ["bin/deploy"]


def test_a_name_with_a_dot_is_no_script(root: Path) -> None:
    """Only extensionless names are opened: a walk never reads data files to ask."""
    make(root, "bin/deploy.sh", "bin/data.json", content=SCRIPT)
    assert discover(root, [root]) == []
    assert not files.is_python_script(str(root / "bin" / "deploy.sh"))


def test_discover_relative_paths_dedup_and_sort(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    make(root, "pkg/b.py", "pkg/a.py")
    monkeypatch.chdir(root)
    found = discover(root, [Path("pkg/b.py"), Path("pkg"), root / "pkg" / "a.py", Path("./pkg/../pkg")])
    assert found == [root / "pkg" / "a.py", root / "pkg" / "b.py"]


def test_discover_missing_path_raises(root: Path) -> None:
    missing = root / "nope.py"
    with pytest.raises(FileNotFoundError, match="nope.py"):
        discover(root, [missing])


def test_discover_outside_root_uses_suffix_only(tmp_path: Path, root: Path) -> None:
    make(tmp_path, "elsewhere/tool.py", "elsewhere/build/gen.py", "elsewhere/.venv/x.py", "elsewhere/n.txt")
    (root / ".gitignore").write_text("tool.py\n", encoding="utf-8")
    outside = tmp_path / "elsewhere"
    assert discover(root, [outside / "tool.py", outside / "n.txt"]) == [(outside / "tool.py").resolve()]
    # A named file outside root is never matched against patterns...
    assert discover(root, [outside / "build" / "gen.py"]) == [(outside / "build" / "gen.py").resolve()]
    # ...but walking a folder outside root still avoids the default excludes.
    assert discover(root, [outside]) == [(outside / "tool.py").resolve()]


def test_discover_does_not_follow_symlinked_dirs(root: Path, tmp_path: Path) -> None:
    make(tmp_path, "external/lib.py")
    make(root, "src/a.py")
    try:
        (root / "src" / "linked").symlink_to(tmp_path / "external", target_is_directory=True)
    except OSError:
        pytest.skip("symlinks not supported here")
    assert rel(root, discover(root, [root])) == ["src/a.py"]


# --------------------------------------------------------------------------
# read_source
# --------------------------------------------------------------------------


def test_read_utf8(tmp_path: Path) -> None:
    path = tmp_path / "m.py"
    path.write_bytes("name = 'Jöb'\n".encode())
    source = read_source(path)
    assert source == SourceText(text="name = 'Jöb'\n", encoding="utf-8", bom=False, newline="\n")


def test_read_utf8_with_bom(tmp_path: Path) -> None:
    path = tmp_path / "m.py"
    path.write_bytes(codecs.BOM_UTF8 + "x = 'é'\n".encode())
    source = read_source(path)
    assert source.text == "x = 'é'\n"
    assert source.bom is True
    assert source.encoding == "utf-8"


def test_read_latin1_cookie(tmp_path: Path) -> None:
    path = tmp_path / "m.py"
    path.write_bytes("# -*- coding: latin-1 -*-\nx = 'café'\n".encode("latin-1"))
    source = read_source(path)
    assert source.text.endswith("x = 'café'\n")
    assert codecs.lookup(source.encoding).name == "iso8859-1"
    assert source.bom is False


def test_read_crlf_keeps_newlines(tmp_path: Path) -> None:
    path = tmp_path / "m.py"
    path.write_bytes(b"a = 1\r\nb = 2\r\n")
    source = read_source(path)
    assert source.text == "a = 1\r\nb = 2\r\n"
    assert source.newline == "\r\n"


@pytest.mark.parametrize(
    ("data", "newline"),
    [
        (b"", "\n"),
        (b"x = 1", "\n"),
        (b"a\rb\rc\r", "\r"),
        (b"a\r\nb\r\nc\n", "\r\n"),
        (b"a\nb\nc\r\n", "\n"),
        (b"a\nb\r\n", "\n"),
    ],
)
def test_read_dominant_newline(tmp_path: Path, data: bytes, newline: str) -> None:
    path = tmp_path / "m.py"
    path.write_bytes(data)
    assert read_source(path).newline == newline


def test_read_undecodable_raises(tmp_path: Path) -> None:
    path = tmp_path / "m.py"
    path.write_bytes(b"x = '\xff\xfe'\n")
    with pytest.raises(SourceError, match="m.py"):
        read_source(path)


def test_read_bad_cookie_raises(tmp_path: Path) -> None:
    path = tmp_path / "m.py"
    path.write_bytes(b"# coding: no-such-codec\nx = 1\n")
    with pytest.raises(SourceError, match="m.py"):
        read_source(path)


def test_read_unreadable_raises(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="cannot read"):
        read_source(tmp_path)  # a directory: IsADirectoryError


# --------------------------------------------------------------------------
# write_source
# --------------------------------------------------------------------------

ROUND_TRIPS = {
    "utf8": "x = 'Jöb'\n".encode(),
    "bom": codecs.BOM_UTF8 + "x = 'é'\r\n".encode(),
    "latin1": "# -*- coding: latin-1 -*-\nx = 'café'\n".encode("latin-1"),
    "crlf": b"a = 1\r\nb = 2\r\n",
    "cr": b"a = 1\rb = 2\r",
    "mixed": b"a = 1\r\nb = 2\nc = 3",
}


@pytest.mark.parametrize("name", sorted(ROUND_TRIPS))
def test_write_round_trips_byte_for_byte(tmp_path: Path, name: str) -> None:
    path = tmp_path / "m.py"
    path.write_bytes(ROUND_TRIPS[name])
    source = read_source(path)
    write_source(path, source.text, source)
    assert path.read_bytes() == ROUND_TRIPS[name]
    assert os.listdir(tmp_path) == ["m.py"]


def test_write_keeps_bom_and_crlf_on_change(tmp_path: Path) -> None:
    path = tmp_path / "m.py"
    path.write_bytes(codecs.BOM_UTF8 + b"job = 1\r\n")
    source = read_source(path)
    write_source(path, source.text.replace("job", "step"), source)
    assert path.read_bytes() == codecs.BOM_UTF8 + b"step = 1\r\n"


def test_write_latin1_encodes_with_file_encoding(tmp_path: Path) -> None:
    path = tmp_path / "m.py"
    path.write_bytes("# coding: latin-1\nx = 'é'\n".encode("latin-1"))
    source = read_source(path)
    write_source(path, source.text.replace("x", "ü"), source)
    assert path.read_bytes() == "# coding: latin-1\nü = 'é'\n".encode("latin-1")


def test_write_keeps_mode(tmp_path: Path) -> None:
    path = tmp_path / "tool.py"
    path.write_bytes(b"#!/usr/bin/env python\n")
    path.chmod(0o755)
    source = read_source(path)
    write_source(path, source.text + "x = 1\n", source)
    assert stat.S_IMODE(path.stat().st_mode) == 0o755
    assert path.read_bytes() == b"#!/usr/bin/env python\nx = 1\n"


def test_write_new_file_gets_0644(tmp_path: Path) -> None:
    like = SourceText(text="", encoding="utf-8", bom=False, newline="\n")
    target = tmp_path / "renamed.py"
    write_source(target, "x = 1\r\n", like)
    assert target.read_bytes() == b"x = 1\r\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o644


def test_write_unencodable_text_leaves_original(tmp_path: Path) -> None:
    path = tmp_path / "m.py"
    original = "# -*- coding: latin-1 -*-\nx = 'café'\n".encode("latin-1")
    path.write_bytes(original)
    source = read_source(path)
    with pytest.raises(SourceError, match="cannot be encoded"):
        write_source(path, "x = 'é€'\n", source)
    assert path.read_bytes() == original
    assert os.listdir(tmp_path) == ["m.py"]


def test_write_failure_during_replace_removes_temp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "m.py"
    path.write_bytes(b"x = 1\n")
    source = read_source(path)

    def failing_replace(src: str, dst: object) -> None:
        raise OSError("disk on fire")

    monkeypatch.setattr(files.os, "replace", failing_replace)
    with pytest.raises(OSError, match="disk on fire"):
        write_source(path, "x = 2\n", source)
    assert path.read_bytes() == b"x = 1\n"
    assert os.listdir(tmp_path) == ["m.py"]


# --------------------------------------------------------------------------
# move_path, is_generated, prefilter
# --------------------------------------------------------------------------


def test_move_file_and_package(tmp_path: Path) -> None:
    make(tmp_path, "job.py", "jobs/__init__.py")
    move_path(tmp_path / "job.py", tmp_path / "step.py")
    move_path(tmp_path / "jobs", tmp_path / "steps")
    assert sorted(os.listdir(tmp_path)) == ["step.py", "steps"]
    assert (tmp_path / "steps" / "__init__.py").is_file()


def test_move_refuses_existing_destination(tmp_path: Path) -> None:
    make(tmp_path, "job.py", content="old\n")
    make(tmp_path, "step.py", content="precious\n")
    with pytest.raises(FileExistsError, match="step.py"):
        move_path(tmp_path / "job.py", tmp_path / "step.py")
    assert (tmp_path / "step.py").read_text(encoding="utf-8") == "precious\n"
    assert (tmp_path / "job.py").exists()


def test_is_generated() -> None:
    assert is_generated("# @generated by protoc\nx = 1\n")
    assert is_generated('"""Module.\n\n@generated SignedSource<<abc>>\n"""\n')
    assert not is_generated("# This file is automatically generated\n")
    assert not is_generated("x = 1\n" * 1000 + "# @generated\n")  # beyond the first 4 KB
    assert not is_generated("")


def test_prefilter(tmp_path: Path) -> None:
    path = tmp_path / "m.py"
    path.write_bytes(b"class JobRunner:\n    pass\n")
    assert read_bytes_prefilter(path, (b"job",))
    assert read_bytes_prefilter(path, (b"task", b"runner"))
    assert not read_bytes_prefilter(path, (b"step", b"task"))
    assert read_bytes_prefilter(tmp_path / "missing.py", (b"job",))


_COMPUTED = {
    b"getattr(filters, kind)\n", b"x = getattr(self.schedule, meth)(*args)\n", b"getattr( obj , name )\n",
    b"getattr(a, 'x'); getattr(b, y)\n", b"getattr(getattr(a, b), c)\n", b"# getattr(obj, name)\n",
    b"getattr(obj, name) and asdict(e)\n", b"getattr(\n", b"setattr(self, key, value)\n", b"hasattr(x, name)\n",
    b"getattr(x, '_' + kind)\n", b"getattr(x, f'{kind}')\n", b"getattr(x.items[0], 'n')\n", b"getattr(make(), k)\n",
    b"mock.patch.object(module, name)\n", b"getattr (x, k)\n", b"getattr(x, 'a' 'b')\n",
    b"vars(obj)[kind]\n", b"obj.__dict__.get(kind)\n", b"self.__dict__[key] = value\n", b"import_module(f'app.{kind}')\n",
    b"if kind in globals():\n", b"globals()[name]\n", b"globals().update(found)\n", b"self.__dict__.update(data)\n",
    b"if name not in self.__dict__:\n", b"for k, v in obj.__dict__.items():\n", b"vars(self).keys()\n",
    b"Rec._fields\n", b"dataclasses.fields(Rec)\n", b"pkgutil.iter_modules(__path__)\n",
    b"operator.attrgetter(kind)(x)\n", b"methodcaller(name, 1)\n", b"object.__setattr__(self, name, v)\n",
    b"super().__getattribute__(name)\n",
}


@pytest.mark.parametrize("text", [
    b"getattr(filters, kind)\n", b"x = getattr(self.schedule, meth)(*args)\n", b"getattr( obj , name )\n",
    b"getattr(obj, 'name')\n", b'getattr(obj, "name")\n', b"mygetattr(obj, name)\n", b"_getattr(a, b)\n",
    b"getattr(a, 'x'); getattr(b, y)\n", b"getattr(getattr(a, b), c)\n", b"# getattr(obj, name)\n",
    b"asdict(entry)\n", b"dataclasses.astuple(x)\n", b"hasdict(x)\n", b"x.asdict(y) and gasdict(z)\n",
    b"getattr(obj, name) and asdict(e)\n", b"", b"getattr(\n",
    b"setattr(self, key, value)\n", b"setattr(self, 'key', value)\n", b"hasattr(x, name)\n", b"delattr(x, 'n')\n",
    b"getattr(x, '_' + kind)\n", b"getattr(x, f'{kind}')\n", b"getattr(x.items[0], 'n')\n", b"getattr(make(), k)\n",
    b"mock.patch.object(module, name)\n", b"patch.object(module, 'name')\n", b"getattr (x, k)\n",
    b"getattr(\n    obj,\n    'name',\n)\n", b"getattr(x, 'a' 'b')\n", b"offsetattr(a, b)\n",
    b"vars(obj)[kind]\n", b"vars(obj)['name']\n", b"obj.__dict__.get(kind)\n", b"obj.__dict__['name'] = 1\n",
    b"self.__dict__[key] = value\n", b"envvars(x)[k]\n", b"import_module(f'app.{kind}')\n", b"import_module('app.x')\n",
    b"if kind in globals():\n", b"globals()[name]\n", b"globals()['x']\n", b"globals().update(found)\n",
    b"self.__dict__.update(data)\n", b"obj.__dict__.pop('a', None)\n", b"vars(self).keys()\n", b"g = globals\n",
    b"if name not in self.__dict__:\n", b"for k, v in obj.__dict__.items():\n", b"vars(self).keys()\n",
    b"Rec._fields\n", b"dataclasses.fields(Rec)\n", b"pkgutil.iter_modules(__path__)\n", b"for x in envvars(y):\n",
    b"operator.attrgetter(kind)(x)\n", b"attrgetter('name')(x)\n", b"methodcaller(name, 1)\n",
    b"Record(**row)\n", b"def f(**kwargs):\n    pass\n", b"object.__setattr__(self, name, v)\n",
    b"super().__getattribute__(name)\n", b"x.__attrs__\n", b"Rec._fields\n", b"dataclasses.fields(Rec)\n",
    b"self.fields = 1\n", b"pkgutil.iter_modules(__path__)\n",
])
def test_prefilter_lookup_and_serializing_calls(tmp_path: Path, text: bytes) -> None:
    """The pre-filter tries its patterns only where their call's name stands: its verdicts are the
    patterns' own, searched over the whole file."""
    # What only a search tells is searched: a name that is not plainly one whole string.
    from termshift import prefilter

    searched = bool(prefilter.COMPUTED_LOOKUP.search(text)) or any(
        prefilter._WHOLE_KEY.match(text, found.end()) is None
        for found in re.finditer(rb"\.__dict__|\bvars\s*\([^()]*\)|\bglobals\s*\(\s*\)", text))
    assert searched == (text in _COMPUTED)
    path = tmp_path / "m.py"
    path.write_bytes(text)
    (_, _, _, _, _, looks_up, _, _), = prefilter.read_chunk(((b"job",), None, True, False), [path])
    expected = ("lookup" if searched else "serializes" if prefilter.SERIALIZES.search(text) else
                "spreads" if prefilter.spreads(text) else "")
    assert looks_up == expected


@pytest.mark.parametrize(("text", "wide"), [
    ("x = 1\n", False), ("caf\u00e9 = 1\n", True), ("\uff4aob = 1\n", True), ("job = 'caf\u00e9'\n", False),
])
def test_prefilter_tells_a_file_outside_ascii_that_does_not_mention_the_term_as_written(
        tmp_path: Path, text: str, wide: bool) -> None:
    """Its names' NFKC form may spell the term all the same (lookup_reach.py)."""
    from termshift import prefilter

    path = tmp_path / "m.py"
    path.write_text(text, encoding="utf-8")
    (*_, outside_ascii, _), = prefilter.read_chunk(((b"job",), None, True, False), [path])
    assert outside_ascii is wide


@pytest.mark.parametrize(("text", "hashed"), [
    (b"job = 1\n", True), (b"getattr(x, name)\n", True), (b"x = 1\n", False),
])
def test_prefilter_hashes_for_the_cache_the_files_read_further(tmp_path: Path, text: bytes, hashed: bool) -> None:
    """The cache's keys need the digest of every file read further: its workers make it as they read."""
    from termshift import cache, prefilter

    path = tmp_path / "m.py"
    path.write_bytes(text)
    (*_, made), = prefilter.read_chunk(((b"job",), None, True, True), [path])
    assert made == (cache.digest(text) if hashed else None)
    (*_, made), = prefilter.read_chunk(((b"job",), None, True, False), [path])
    assert made is None


@pytest.mark.parametrize("before", ["", "x" * 4084, "\u00e9" * 4084, "\U0001f600" * 4084, "\u20ac" * 5000])
def test_a_file_is_told_not_generated_from_its_first_bytes_only_where_it_is_not(before: str) -> None:
    """`may_be_generated` on the first GENERATED_HEAD bytes never misses a generated file."""
    from termshift.files import GENERATED_HEAD, is_generated, may_be_generated

    for text in (f"{before}# @generated\n", f"# {before}\n# @generated\n"):
        for data in (text.encode("utf-8"), codecs.BOM_UTF8 + text.encode("utf-8")):
            assert may_be_generated(data[:GENERATED_HEAD]) or not is_generated(text)
    assert not may_be_generated(b"x = 1\n")
