"""What an installed termshift carries: metadata, the licence, the typing marker, the pre-commit manifest."""

from __future__ import annotations

import subprocess
import sys
import tarfile
import zipfile
from email.parser import Parser
from pathlib import Path

import pytest

REPO = Path(__file__).parent.parent


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """The sdist and the wheel, built as a release would be (`python -m build`, isolated: needs PyPI)."""
    out = tmp_path_factory.mktemp("dist")
    source = tmp_path_factory.mktemp("source") / "termshift"
    listed = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=REPO, check=True,
                            capture_output=True, text=True).stdout.split("\0")
    for relative in filter(None, listed):  # a clean copy: no build/ or egg-info of an editable install
        if (REPO / relative).is_file():
            (source / relative).parent.mkdir(parents=True, exist_ok=True)
            (source / relative).write_bytes((REPO / relative).read_bytes())
    ran = subprocess.run([sys.executable, "-m", "build", "--outdir", str(out), str(source)], capture_output=True,
                         text=True, timeout=600)
    assert ran.returncode == 0, ran.stdout[-2000:] + ran.stderr[-2000:]
    return out


def test_the_wheel_carries_licence_typing_marker_and_metadata(built):
    (wheel,) = built.glob("*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        metadata = Parser().parsestr(archive.read("termshift-0.1.0.dist-info/METADATA").decode())
        licence = archive.read("termshift-0.1.0.dist-info/licenses/LICENSE").decode()
    assert "termshift/py.typed" in names
    assert licence == (REPO / "LICENSE").read_text() and licence.startswith("MIT License")
    assert metadata["License-Expression"] == "MIT"
    classifiers = metadata.get_all("Classifier")
    assert "Typing :: Typed" in classifiers and "Programming Language :: Python :: 3.10" in classifiers
    urls = dict(entry.split(", ", 1) for entry in metadata.get_all("Project-URL"))
    from termshift.rule import HOME

    assert urls["Homepage"] == urls["Source"] == HOME
    assert set(urls) >= {"Homepage", "Documentation", "Source", "Issues"}
    # The codemods and rules install inside the package, never as top-level `codemods` / `rules`.
    assert "termshift/codemods/migrate.py" in names and not any(name.startswith(("codemods/", "rules/"))
                                                                for name in names)


def test_the_sdist_carries_the_licence(built):
    (sdist,) = built.glob("*.tar.gz")
    with tarfile.open(sdist) as archive:
        names = archive.getnames()
    assert "termshift-0.1.0/LICENSE" in names and "termshift-0.1.0/termshift/py.typed" in names


def test_the_pre_commit_manifest_names_its_minimum_version():
    from pre_commit.clientlib import load_manifest

    hooks = load_manifest(str(REPO / ".pre-commit-hooks.yaml"))  # validated as pre-commit validates it
    assert {hook["id"] for hook in hooks} == {"termshift-check", "termshift-fix"}
    assert all(hook["minimum_pre_commit_version"] == "2.9.0" for hook in hooks)  # types_or came in 2.9.0


def test_the_readme_pins_a_rev_that_exists():
    """No release is tagged: the README says to pin a commit, and names no tag that doesn't exist."""
    readme = (REPO / "README.md").read_text()
    snippet = readme.split("```yaml\nrepos:", 1)[1].split("```", 1)[0]
    assert "rev: <commit sha>" in snippet
    tags = subprocess.run(["git", "tag"], cwd=REPO, capture_output=True, text=True).stdout.split()
    assert "v0.1.0" in tags or "@v0.1.0" not in readme and "rev: v0.1.0" not in readme
