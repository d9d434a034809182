"""Wire literals that something besides the project's Python reads: its own front end, a third
party, the configuration. Nothing ties those readers to the code, so the literal keeps its words;
each case's code behaves the same after `migrate --no-compat` (the driver plays the reader)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from lintkit import write_project

FLASK_APP = (
    "from flask import Flask, render_template\n\n"
    "app = Flask(__name__)\n\n\n"
    "@app.route('/jobs/<int:job_id>/cancel', methods=['POST'])\n"
    "def cancel_job(job_id):\n    return {'cancelled': job_id}\n\n\n"
    "@app.route('/view/jobs')\n"
    "def jobs_page():\n    return render_template('jobs.html')\n"
)
# The page's script asks for the route by a path it builds, as a browser would run it.
PAGE = ("<a href=\"/view/jobs\">Jobs</a>\n<script>\nfunction cancel(id) {\n"
        "  return fetch('/jobs/' + encodeURIComponent(id) + '/cancel', {method: 'POST'});\n}\n</script>\n")
BROWSER = (
    "import re; from app.web import app; page = open('app/templates/jobs.html').read(); "
    "built = re.search(r\"fetch\\('([^']*)' \\+ encodeURIComponent\\(id\\) \\+ '([^']*)'\", page); "
    "client = app.test_client(); "
    "print(client.post(built.group(1) + '7' + built.group(2)).get_json(), "
    "client.get(re.search(r'href=\"([^\"]*)\"', page).group(1)).status_code)"
)


def _run(root: Path, driver: str) -> str:
    done = subprocess.run([sys.executable, "-c", driver], cwd=root, capture_output=True, text=True)
    return done.stdout + done.stderr


def _migrate(root: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "termshift", "migrate", "--no-compat", "."], cwd=root,
                          capture_output=True, text=True)


def test_a_route_the_projects_front_end_requests_keeps_its_path(tmp_path: Path) -> None:
    """`fetch('/jobs/' + id + '/cancel')` in a template's script: renamed alone, the route would
    answer 404 to the project's own page. Its Python test client's URL stays with it."""
    root = write_project(tmp_path / "project", {
        "app/__init__.py": "", "app/web.py": FLASK_APP, "app/templates/jobs.html": PAGE,
        "tests/test_web.py": "from app.web import app\n\n\ndef test_cancel():\n"
                             "    assert app.test_client().post('/jobs/3/cancel').get_json() == {'cancelled': 3}\n",
    })
    before = _run(root, BROWSER)
    assert before.strip() == "{'cancelled': 7} 200", before
    done = _migrate(root)
    assert done.returncode == 1 and "the route segment 'jobs' is kept" in done.stderr, done.stderr
    assert _run(root, BROWSER) == before
    web = (root / "app/web.py").read_text()
    assert "def cancel_step(step_id)" in web or "def cancel_step(job_id)" in web, web
    assert "'/jobs/3/cancel'" in (root / "tests/test_web.py").read_text()


def test_a_route_no_other_file_requests_moves(tmp_path: Path) -> None:
    root = write_project(tmp_path / "project", {
        "app/__init__.py": "", "app/web.py": FLASK_APP,
        "app/templates/jobs.html": "<p>No script here: the jobs are listed by the server.</p>\n",
    })
    done = _migrate(root)
    assert "route segment" not in done.stderr, done.stderr
    assert "@app.route('/steps/<int:step_id>/cancel'" in (root / "app/web.py").read_text()


def test_a_key_in_a_third_partys_namespace_is_left_to_it(tmp_path: Path) -> None:
    """`rq:job:{id}` is rq's key: the project may write it (a fixture restoring a dump), but it is
    the third party that reads it back."""
    site = write_project(tmp_path / "site", {
        "qlib/__init__.py": "STORE = {}\n\n\ndef fetch(job_id):\n    return STORE.get(f'qlib:job:{job_id}')\n",
    })
    root = write_project(tmp_path / "project", {
        "app/__init__.py": "",
        "app/seed.py": "import qlib\n\n\ndef seed_job(job_id):\n    qlib.STORE[f'qlib:job:{job_id}'] = 'payload'\n",
        "app/cache.py": "CACHE = {}\n\n\ndef remember_job(job_id):\n    CACHE[f'app:job:{job_id}'] = 1\n",
    }, pyproject=f'[project]\nname = "sample"\nversion = "0"\n\n[tool.termshift]\nsearch-path = [{str(site)!r}]\n')
    driver = (f"import sys; sys.path.append({str(site)!r}); import json, qlib; from app import seed; "
              "[getattr(seed, name)(3) for name in dir(seed) if name.startswith('seed_')]; print(qlib.fetch(3))")
    before = _run(root, driver)
    assert before.strip() == "payload", before
    done = _migrate(root)
    assert done.returncode in (0, 1), done.stderr
    assert _run(root, driver) == before
    assert "f'app:step:{step_id}'" in (root / "app/cache.py").read_text()  # the project's own key moves


def test_a_settings_name_the_project_reads_and_never_defines_is_the_configurations(tmp_path: Path) -> None:
    """`{"DELETE_JOBS": "APP_DELETE_JOBS"}`: the names a user's configuration sets; renamed, a
    configuration that says `DELETE_JOBS` would no longer be read."""
    root = write_project(tmp_path / "project", {
        "app/__init__.py": "",
        "app/settings.py": "LEGACY = {'DELETE_JOBS': 'APP_DELETE_JOBS'}\n\n\ndef upgrade(config):\n"
                           "    for old_job_name, new in LEGACY.items():\n        if old_job_name in config:\n"
                           "            config[new] = config[old_job_name]\n    return config\n",
    })
    driver = "import json; from app.settings import upgrade; print(upgrade(json.loads('{\"DELETE_JOBS\": 1}')))"
    before = _run(root, driver)
    assert "'APP_DELETE_JOBS': 1" in before, before
    _migrate(root)
    assert _run(root, driver) == before
    assert "old_step_name" in (root / "app/settings.py").read_text()


FASTAPI_APP = (
    "from fastapi import Depends, FastAPI, Query, Request\nfrom pydantic import BaseModel\n\n"
    "app = FastAPI()\n\n\n"
    "class JobIn(BaseModel):\n    name: str\n\n\n"
    "def current_job_owner() -> str:\n    return 'ops'\n\n\n"
    "@app.get('/stats/{job_id}')\n"
    "def stats(job_id: int, request: Request, job_type: str = 'any', max_jobs: int = Query(10),\n"
    "          job_owner: str = Depends(current_job_owner), job_sort: str = Query('new', alias='jobSort')):\n"
    "    return [job_id, job_type, max_jobs, job_owner, job_sort]\n\n\n"
    "@app.post('/queue')\n"
    "def enqueue(new_job: JobIn):\n    return new_job.name\n"
)
# What clients send: a query string, a body; the same requests before and after.
CLIENT = (
    "import warnings; warnings.simplefilter('ignore'); "
    "from fastapi.testclient import TestClient; from app.api import app; client = TestClient(app); "
    "print(client.get('/stats/4?job_type=batch&max_jobs=2&jobSort=old').json(), "
    "client.post('/queue', json={'name': 'n'}).json())"
)


def test_a_request_parameter_its_framework_fills_by_name_keeps_it(tmp_path: Path) -> None:
    """FastAPI fills `job_type` from `?job_type=`: the parameter's name is the query string's. A
    route's placeholder, a dependency, a body's model and an aliased query move as before."""
    root = write_project(tmp_path / "project", {"app/__init__.py": "", "app/api.py": FASTAPI_APP})
    before = _run(root, CLIENT)
    assert before.strip() == "[4, 'batch', 2, 'ops', 'old'] n", before
    done = _migrate(root)
    assert done.returncode == 1 and "a request's parameter: `app.get` fills it" in done.stderr, done.stderr
    assert _run(root, CLIENT) == before
    api = (root / "app/api.py").read_text()
    assert "def stats(step_id: int, request: Request, job_type: str = 'any', max_jobs: int = Query(10)," in api, api
    assert "step_owner: str = Depends(current_step_owner), step_sort: str = Query('new', alias='jobSort')" in api, api
    assert "def enqueue(new_step: StepIn):" in api, api


TYPER_APP = (
    "import typer\n\ncli = typer.Typer()\n\n\n"
    "@cli.command()\n"
    "def run(job_name: str, max_jobs: int = 3, job_tag: str = typer.Option('x', '--tag')):\n"
    "    print(job_name, max_jobs, job_tag)\n"
)


def test_an_option_a_command_line_makes_of_a_parameter_keeps_its_name(tmp_path: Path) -> None:
    """Typer makes `--max-jobs` of `max_jobs`: what users type. An argument (named only in the
    help) and an option named outright move."""
    root = write_project(tmp_path / "project", {"app/__init__.py": "", "app/cli.py": TYPER_APP})
    driver = ("from typer.testing import CliRunner; from app.cli import cli; "
              "print(CliRunner().invoke(cli, ['nightly', '--max-jobs', '5', '--tag', 'y']).output)")
    before = _run(root, driver)
    assert before.strip() == "nightly 5 y", before
    done = _migrate(root)
    assert done.returncode == 1 and "makes `--max-jobs` of it" in done.stderr, done.stderr
    assert _run(root, driver) == before
    assert "def run(step_name: str, max_jobs: int = 3, step_tag: str = typer.Option('x', '--tag')):" in \
        (root / "app/cli.py").read_text()


def test_a_route_a_test_expects_in_a_page_keeps_its_path(tmp_path: Path) -> None:
    """The page links the route by `url_for`, and a test expects the link it renders
    (`'action="http://localhost/jobs/goto"'`): nothing ties that string to the route, so the route
    keeps its path. A URL of another service that spells the word holds nothing."""
    root = write_project(tmp_path / "project", {
        "app/__init__.py": "",
        "app/web.py": "from flask import Flask, url_for\n\napp = Flask(__name__)\n"
                      "CI_URL = 'https://ci.example.com/jobs/%s/status'\n\n\n"
                      "@app.route('/jobs/goto')\ndef goto_job():\n    return 'found'\n\n\n"
                      "@app.route('/')\ndef home():\n"
                      "    return f'<form action=\"{url_for(\"goto_job\", _external=True)}\"></form>'\n",
        "tests/test_web.py": "from app.web import app\n\n\ndef test_home_links_the_jump_box():\n"
                             "    client = app.test_client()\n"
                             "    assert 'action=\"http://localhost/jobs/goto\"' in client.get('/').text\n"
                             "    assert client.get('/jobs/goto').text == 'found'\n",
    })
    suite = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"]
    assert subprocess.run(suite, cwd=root, capture_output=True).returncode == 0
    done = _migrate(root)
    assert "the route segment 'jobs' is kept: tests/test_web.py:6" in done.stderr, done.stderr
    after = subprocess.run(suite, cwd=root, capture_output=True, text=True)
    assert after.returncode == 0, after.stdout
    assert "@app.route('/jobs/goto')" in (root / "app/web.py").read_text()


HISTORY = (
    "import re\n\n\n"
    "def records(lines):\n"
    "    for line in lines:\n"
    "        kind, _, rest = line.partition(' ')\n"
    "        yield dict(type=kind, fields=dict(re.findall(r'(\\w+)=\"([^\"]*)\"', rest)))\n\n\n"
    "def job_ids(lines):\n"
    "    return [record['fields']['JOBID'] for record in records(lines) if record['type'] == 'Job']\n"
)


def test_a_record_type_only_compared_with_is_the_datas_even_where_a_test_builds_it(tmp_path: Path) -> None:
    """`record['type'] == 'Job'` on what a log parser reads: the type is the log writer's (Hadoop's),
    never one the project's code sends. A test that builds the record it expects sends nothing."""
    root = write_project(tmp_path / "project", {
        "app/__init__.py": "", "app/history.py": HISTORY,
        "tests/test_history.py": "from app.history import job_ids, records\n\n\ndef test_records():\n"
                                 "    line = 'Job JOBID=\"job_1\" PRIORITY=\"NORMAL\"'\n"
                                 "    assert list(records([line])) == [dict(type='Job', fields=dict(JOBID='job_1', "
                                 "PRIORITY='NORMAL'))]\n    assert job_ids([line]) == ['job_1']\n",
    })
    driver = ("import json; from app import history; ids = next(f for n, f in vars(history).items() if n.endswith('_ids')); "
              "print(ids(json.loads('[\"Job JOBID=\\\\\"j9\\\\\"\"]')))")
    before = _run(root, driver)
    assert before.strip() == "['j9']", before
    suite = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"]
    assert subprocess.run(suite, cwd=root, capture_output=True).returncode == 0
    done = _migrate(root)
    assert done.returncode in (0, 1), done.stderr
    assert _run(root, driver) == before
    after = subprocess.run(suite, cwd=root, capture_output=True, text=True)
    assert after.returncode == 0, after.stdout
    assert "def step_ids(lines):" in (root / "app/history.py").read_text()
