"""The wire summary and `--report` show each literal as it will be written, every edit in it included."""

import json

from lintkit import termshift, write_project

API = '''from flask import Flask

app = Flask(__name__)


@app.route("/job/<job_id>")
def show(job_id):
    return {"id": job_id}


@app.route("/jobs/<int:count>")
def many(count):
    return {"count": count}
'''


def test_a_route_shows_its_renamed_placeholder(tmp_path):
    project = write_project(tmp_path / "project", {"app/__init__.py": "", "app/api.py": API})
    ran = termshift("migrate", "--no-compat", "--report", "wire.json", ".", cwd=project)
    assert ran.returncode == 0, ran.stderr
    assert '  app/api.py:6:12: "/job/<job_id>" -> "/step/<step_id>" (api)' in ran.stderr.splitlines()
    assert '  app/api.py:11:12: "/jobs/<int:count>" -> "/steps/<int:count>" (api)' in ran.stderr.splitlines()
    changes = json.loads((project / "wire.json").read_text())["wire_changes"]
    assert [(change["old"], change["new"]) for change in changes] == [
        ('"/job/<job_id>"', '"/step/<step_id>"'), ('"/jobs/<int:count>"', '"/steps/<int:count>"')]
    written = (project / "app" / "api.py").read_text()
    assert '@app.route("/step/<step_id>")' in written and '@app.route("/steps/<int:count>")' in written
