"""A migration of part of the project leaves the other files as they are, so a wire literal is
the run's to rename only where the run also rewrites what gives it its meaning.

A key is renamed where the project writes it, an event type where the project
sends it, a request path where the project serves it. When the only write,
send or route is in a file outside the paths named, renaming the read, the
comparison or the request alone breaks it: the other side still spells the
old word (a library's reader renamed, its tests still filling the old key).
`check` answers for the project as a whole, so its findings don't depend on
which files it is asked about.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import termshift

READER = """
    def load(config, event, client):
        jobs = config.get("JOBS")
        if event["type"] == "job_created":
            return client.get("/jobs/1")
        return jobs
    """

WRITER = """
    from flask import Flask

    app = Flask(__name__)


    @app.route("/jobs/<int:number>")
    def show(number):
        return str(number)


    def fill(config, send):
        config["JOBS"] = [1]
        send({"type": "job_created"})
    """


def _project(tmp_path: Path) -> Path:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "app"\n')
    for package, name, text in (("app", "reader.py", READER), ("feeder", "writer.py", WRITER)):
        (tmp_path / package).mkdir()
        (tmp_path / package / "__init__.py").write_text("")
        (tmp_path / package / name).write_text(textwrap.dedent(text))
    return tmp_path


def _reader_after(result) -> str:
    return result.changed["app/reader.py"][1]


def test_a_migration_of_the_reader_alone_keeps_what_only_files_left_alone_write_send_and_serve(tmp_path):
    root = _project(tmp_path)
    for compat in (False, True):
        reader = _reader_after(termshift.migrate(root / "app", compat=compat, cache=False))
        assert 'steps = config.get("JOBS")' in reader
        assert '"job_created"' in reader and '"/jobs/1"' in reader


def test_a_migration_of_the_whole_project_renames_each_side_together(tmp_path):
    root = _project(tmp_path)
    result = termshift.migrate(root, compat=False, cache=False)
    reader, writer = _reader_after(result), result.changed["feeder/writer.py"][1]
    assert '"step_created"' in reader and '"step_created"' in writer
    assert '"/steps/1"' in reader and '"/steps/<int:number>"' in writer


def test_check_judges_the_reader_as_the_whole_projects_migration_would(tmp_path):
    root = _project(tmp_path)
    whole = termshift.check(root, cache=False)
    part = termshift.check(root / "app", cache=False)
    in_reader = [finding for finding in whole.findings if finding.path == "app/reader.py"]
    assert in_reader and [(f.code, f.line, f.column, f.fixable) for f in part.findings] == [
        (f.code, f.line, f.column, f.fixable) for f in in_reader]


def test_the_cache_keeps_a_partial_migrations_answers_apart_from_a_whole_ones(tmp_path):
    root = _project(tmp_path)
    fresh = {"part": _reader_after(termshift.migrate(root / "app", compat=False, cache=False)),
             "whole": _reader_after(termshift.migrate(root, compat=False, cache=False))}
    assert fresh["part"] != fresh["whole"]
    for run in ("part", "whole", "part", "whole"):
        paths = root / "app" if run == "part" else root
        assert _reader_after(termshift.migrate(paths, compat=False, cache=True)) == fresh[run], run
