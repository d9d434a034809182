"""Getting a pinned sdist: download once into the cache, verify its sha256 every time, unpack."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
import tarfile
import tempfile
import urllib.request
from pathlib import Path

from corpus import Project


class FetchError(Exception):
    pass


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest()


def _download(project: Project, target: Path) -> None:
    """The pinned URL first; pip's own download as a fallback (proxies, mirrors)."""
    try:
        with urllib.request.urlopen(project.sdist_url, timeout=60) as response, target.open("wb") as out:
            shutil.copyfileobj(response, out)
        return
    except OSError as error:
        first = error
    with tempfile.TemporaryDirectory() as scratch:
        result = subprocess.run(
            [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--no-binary", ":all:",
             "--dest", scratch, f"{project.name}=={project.version}"],
            capture_output=True, text=True,
        )
        found = Path(scratch) / project.sdist_name
        if result.returncode != 0 or not found.is_file():
            raise FetchError(f"{project.sdist_name}: download failed ({first}); pip: {result.stderr.strip()}")
        shutil.move(str(found), target)


def fetch(project: Project, cache: Path) -> Path:
    """The verified archive in the cache; a cached file that doesn't match is fetched again."""
    cache.mkdir(parents=True, exist_ok=True)
    archive = cache / project.sdist_name
    if archive.is_file() and _sha256(archive) == project.sha256:
        return archive
    partial = archive.with_suffix(".part")
    _download(project, partial)
    actual = _sha256(partial)
    if actual != project.sha256:
        partial.unlink()
        raise FetchError(f"{project.sdist_name}: sha256 {actual}, expected {project.sha256}")
    partial.replace(archive)
    return archive


def unpack(archive: Path, destination: Path) -> Path:
    """The sdist's single top folder, unpacked fresh under destination."""
    if destination.exists():
        shutil.rmtree(destination)
    destination.mkdir(parents=True)
    with tarfile.open(archive) as tar:
        if hasattr(tarfile, "data_filter"):
            tar.extractall(destination, filter="data")
        else:  # Python < 3.11.4: the archive is verified by sha256 above
            tar.extractall(destination)  # noqa: S202
    (top,) = destination.iterdir()
    return top
