"""Which modules are the project's, and by what names: regular packages, the src layout, and
PEP 420 namespace packages whose namespace the project shares with others."""

from __future__ import annotations

from pathlib import Path

import pytest

from termshift import config, engine
from termshift.project import Project

FILES = (
    "src/radical/saga/__init__.py",
    "src/radical/saga/job/__init__.py",
    "src/radical/saga/job/service.py",
    "src/plain/__init__.py",
    "src/plain/jobs.py",
    "vendor/ns/deep/pkg/__init__.py",
    "vendor/ns/deep/pkg/mod.py",
    "tests/unit/__init__.py",
    "tests/unit/test_jobs.py",
    "tests/conftest.py",
)


@pytest.fixture
def project(tmp_path: Path) -> Project:
    for name in FILES:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("")
    return Project.build(tmp_path, [tmp_path / name for name in FILES])


@pytest.mark.parametrize(("path", "name"), [
    ("src/radical/saga/job/service.py", "radical.saga.job.service"),  # src is on the path, radical a namespace
    ("src/radical/saga/__init__.py", "radical.saga"),
    ("src/plain/jobs.py", "plain.jobs"),
    ("vendor/ns/deep/pkg/mod.py", "pkg.mod"),  # no src layout: the name its packages give comes first
    ("tests/unit/test_jobs.py", "unit.test_jobs"),
    ("tests/conftest.py", "conftest"),
])
def test_the_name_a_module_is_imported_as(project: Project, path: str, name: str) -> None:
    assert project.module_of[project.root / path] == name


def test_a_namespace_is_shared_only_our_packages_in_it_are_ours(project: Project) -> None:
    assert project.is_module("radical.saga.job") and project.is_first_party("radical.saga.job.service")
    assert not project.is_first_party("radical.utils") and not project.is_first_party("radical")
    assert project.is_namespace("radical") and not project.is_namespace("radical.saga")
    assert not project.is_module("saga.job")  # `src/radical` is on no path
    # Without the src layout, each folder above a package may be what is on the path.
    assert project.is_module("ns.deep.pkg.mod") and project.is_module("deep.pkg.mod")
    assert project.is_first_party("ns.deep.pkg") and not project.is_first_party("ns.other")
    assert project.top_package("radical.saga.job.service") == "radical.saga"
    assert project.top_package("plain.jobs") == "plain" and project.top_package("conftest") is None


def test_imports_through_the_namespace_are_tied_to_the_project(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\nversion = "0"\n')
    files = {
        "src/acme/saga/__init__.py": "",
        "src/acme/saga/jobs.py": "class JobRunner:\n    pass\n",
        "src/acme/saga/api.py": ("import acme.saga.jobs\nimport acme.utils\nfrom acme.saga.jobs import JobRunner\n\n"
                                 "CPIS = [{'type': 'acme.saga.jobs.JobRunner'}]\n\n\n"
                                 "def make():\n    return JobRunner(), acme.saga.jobs.JobRunner, acme.utils.JobPool\n"),
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    analysis = engine.analyze(tmp_path, [tmp_path], config.Config())
    sites = [site for site in analysis.all_sites() if site.path == "src/acme/saga/api.py"]
    owners = {(site.line, site.old, site.role.value): (site.kind, site.action.value) for site in sites}
    assert owners[(1, "jobs", "module-path")] == ("module", "rename")
    assert owners[(3, "jobs", "module-path")] == ("module", "rename")
    assert owners[(3, "JobRunner", "import")] == ("class", "rename")
    assert owners[(5, "jobs", "string")] == ("module", "rename")  # a dotted path to our code, not an event type
    assert owners[(9, "JobRunner", "reference")][1] == "rename"
    assert owners[(9, "JobPool", "reference")][1] == "external"  # acme.utils is someone else's


def test_a_package_below_namespace_folders_is_known_by_the_name_the_project_imports_it_by(tmp_path: Path) -> None:
    files = {
        "google/cloud/shop/__init__.py": "",
        "google/cloud/shop/jobs.py": "from google.cloud.shop import version\n",
        "google/cloud/shop/version.py": "",
        "vendor/lib/pkg/__init__.py": "",  # imported as `pkg` (vendor/lib is put on the path): nothing says otherwise
        "vendor/lib/pkg/mod.py": "from pkg import other\n",
        "tests/test_shop.py": "from google.cloud import shop\n",
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    project = Project.build(tmp_path, [tmp_path / name for name in files])
    assert project.module_of[tmp_path / "google/cloud/shop/jobs.py"] == "google.cloud.shop.jobs"
    assert project.module_of[tmp_path / "google/cloud/shop/__init__.py"] == "google.cloud.shop"
    assert project.module_of[tmp_path / "vendor/lib/pkg/mod.py"] == "pkg.mod"
    # `google` is a namespace the project shares: google.auth is someone else's.
    assert project.is_first_party("google.cloud.shop.jobs") and not project.is_first_party("google.auth")
