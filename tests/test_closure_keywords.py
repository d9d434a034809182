"""Keywords handed to a callable termshift can't tell: a closure a factory or a fixture returns,
wrapped by `functools.partial` or called directly. Whatever function may take such a keyword
keeps the name with it: renaming the parameter alone breaks the call (a TypeError at run time)."""

from __future__ import annotations

from pathlib import Path

import pytest

from lintkit import migrated_alike

_FACTORY = ("def maker():\n    def factory(*, job_manager=None, **kwargs):\n        return ('made', job_manager)\n\n"
            "    return factory\n")
CASES = {
    # `made(job_manager=…)`: `made` is a nested function handed in, its keyword known nowhere else.
    "called": ({
        "app/make.py": _FACTORY,
        "app/use.py": "def use(made):\n    return made(job_manager=1)\n",
    }, "from app.make import maker; from app.use import use; print(use(maker()))"),
    # `functools.partial(made, job_manager=…)`: partial passes the keyword on to what it wraps.
    "partial": ({
        "app/make.py": _FACTORY,
        "app/use.py": "import functools\n\n\ndef use(made):\n    return functools.partial(made, job_manager=2)()\n",
    }, "from app.make import maker; from app.use import use; print(use(maker()))"),
    # A lambda's parameters are keywords too.
    "lambda": ({
        "app/make.py": "def maker():\n    return lambda job_manager=None: ('made', job_manager)\n",
        "app/use.py": "def use(made):\n    return made(job_manager=3)\n",
    }, "from app.make import maker; from app.use import use; print(use(maker()))"),
}
_PYTEST = ("import subprocess, sys; done = subprocess.run([sys.executable, '-m', 'pytest', '-q', '-p', "
           "'no:cacheprovider', 'tests'], capture_output=True, text=True); print(done.returncode, "
           "done.stdout.splitlines()[-1].split(' in ')[0])")


@pytest.mark.parametrize("case", sorted(CASES))
def test_the_migrated_code_behaves_the_same(tmp_path: Path, case: str) -> None:
    files, driver = CASES[case]
    migrated_alike(tmp_path / "project", files, driver, ("can't be tied to what is renamed (app/use.py",))


def test_a_fixture_that_overrides_itself_gets_the_one_above(tmp_path: Path) -> None:
    """`def factory(factory, job_store)` in a test module asks for the conftest's `factory`, whose
    value is a closure: the keyword it wraps in (`partial(factory, job_store=…)`) is the closure's."""
    migrated_alike(tmp_path / "project", {
        "tests/__init__.py": "",
        "tests/conftest.py": "import pytest\n\n\n@pytest.fixture\ndef job_store():\n    return {}\n\n\n"
                             "@pytest.fixture\ndef factory(job_store):\n"
                             "    def make(*, job_store=job_store, **kwargs):\n        return job_store, kwargs\n\n"
                             "    return make\n",
        "tests/test_things.py": "import functools\n\nimport pytest\n\n\n@pytest.fixture\ndef other_store():\n"
                                "    return {'other': 1}\n\n\n@pytest.fixture\ndef factory(factory, other_store):\n"
                                "    return functools.partial(factory, job_store=other_store)\n\n\n"
                                "def test_made(factory):\n    assert factory(kind=1) == ({'other': 1}, {'kind': 1})\n",
    }, _PYTEST, ("can't tell whether this name is the project's",))
