"""Old routes of real frameworks after `migrate` (compat on), exercised by each framework's own test client.

Flask, FastAPI, Django and aiohttp. Old clients send old request keys to the old path and get the old response
shape, the same status codes, and `Deprecation`, `Sunset` and
`Link: <new>; rel="successor-version"`; the new path has none of that.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures" / "wire_frameworks"
HEADERS = {"deprecation": "@1799020800", "sunset": "Mon, 01 Mar 2027 00:00:00 GMT"}


def migrate(name: str, tmp_path: Path) -> Path:
    project = tmp_path / name
    shutil.copytree(FIXTURES / name, project)
    env = {**os.environ, "TERMSHIFT_TODAY": "2027-01-04"}
    subprocess.run([sys.executable, "-m", "termshift", "migrate", "shop"], cwd=project, env=env,
                   capture_output=True, text=True, timeout=120)
    assert (project / "shop" / "_termshift_wire.py").is_file()
    return project


def run(project: Path, code: str) -> list:
    env = {key: value for key, value in os.environ.items() if key != "TERMSHIFT_PHASE"}
    result = subprocess.run([sys.executable, "-c", code], cwd=project, env=env, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.splitlines()[-1])


def lower(headers) -> dict:
    return {name.lower(): value for name, value in dict(headers).items()}


FLASK = """
import json
from shop.api import app
from shop import _termshift_wire as wire
client = app.test_client()
out = []
for method, path, body in [("post", "/submit-job", {"job_type": "render"}), ("post", "/submit-step", {"step_type": "render"}),
                           ("get", "/job/j1", None), ("post", "/submit-job", {})]:
    response = getattr(client, method)(path, json=body) if body is not None else getattr(client, method)(path)
    out.append([response.status_code, response.get_json(silent=True), dict(response.headers)])
out.append(wire.usage())
print(json.dumps(out))
"""


def test_flask_old_routes(tmp_path):
    pytest.importorskip("flask")
    project = migrate("flaskshop", tmp_path)
    old, new, got, bad, usage = run(project, FLASK)
    assert old[:2] == [201, {"job_id": "j-render", "job_type": "render"}]
    assert HEADERS.items() <= lower(old[2]).items()
    assert lower(old[2])["link"] == '</submit-step>; rel="successor-version"'
    assert new[:2] == [201, {"step_id": "j-render", "step_type": "render"}] and "deprecation" not in lower(new[2])
    assert got[:2] == [200, {"job_id": "j1", "status": "pending"}]
    assert lower(got[2])["link"] == '</step/j1>; rel="successor-version"'
    assert bad[0] == 400
    assert usage == {"/submit-job": 2, "/job/<step_id>": 1}


FLASK_STACKED = """
import json
from shop.api import app
from shop import _termshift_wire as wire
client = app.test_client()
out = []
for path in ["/jobs", "/jobs/page/2", "/steps", "/steps/page/2"]:
    response = client.get(path)
    out.append([response.status_code, response.get_json(silent=True), dict(response.headers)])
out.append(wire.usage())
print(json.dumps(out))
"""


def test_flask_view_with_two_renamed_routes_one_over_several_lines(tmp_path):
    """Each old path keeps serving through one twin of the view (Flask refuses a second function
    under one endpoint); the decorator written over several lines gets its twin too."""
    pytest.importorskip("flask")
    project = migrate("flaskshop", tmp_path)
    old_first, old_page, new_first, new_page, usage = run(project, FLASK_STACKED)
    assert old_first[:2] == [200, {"page": 1}] and old_page[:2] == [200, {"page": 2}]
    assert lower(old_first[2])["link"] == '</steps>; rel="successor-version"'
    assert lower(old_page[2])["link"] == '</steps/page/2>; rel="successor-version"'
    assert new_first[:2] == [200, {"page": 1}] and "deprecation" not in lower(new_first[2])
    assert new_page[:2] == [200, {"page": 2}]
    assert usage == {"/jobs": 1, "/jobs/page/<int:page>": 1}


FASTAPI = """
import json
from fastapi.testclient import TestClient
from shop.api import app
from shop import _termshift_wire as wire
client = TestClient(app)
out = []
for method, path, body in [("post", "/submit-job", {"job_type": "render"}), ("post", "/submit-step", {"job_type": "render"}),
                           ("get", "/job/j1", None), ("post", "/submit-job", {})]:
    response = getattr(client, method)(path, json=body) if body is not None else getattr(client, method)(path)
    out.append([response.status_code, response.json(), dict(response.headers)])
out.append(wire.usage())
out.append(sorted(route.path for route in app.routes if getattr(route, "deprecated", None)))
print(json.dumps(out))
"""


def test_fastapi_old_routes(tmp_path):
    pytest.importorskip("fastapi")
    pytest.importorskip("httpx")
    project = migrate("fastshop", tmp_path)
    old, new, got, bad, usage, deprecated = run(project, FASTAPI)
    # The body model's field is kept (a pydantic field can't be tied to its uses); the response keys move.
    assert old[:2] == [201, {"job_id": "j-render", "job_type": "render"}]
    assert HEADERS.items() <= lower(old[2]).items()
    assert lower(old[2])["link"] == '</submit-step>; rel="successor-version"'
    assert new[:2] == [201, {"step_id": "j-render", "job_type": "render"}] and "deprecation" not in lower(new[2])
    assert got[:2] == [200, {"job_id": "j1", "status": "pending"}]
    assert lower(got[2])["link"] == '</step/j1>; rel="successor-version"'
    assert bad[0] == 422 and "deprecation" in lower(bad[2])  # the framework's validation, as before
    assert usage == {"/submit-job": 2, "/job/{step_id}": 1}
    assert deprecated == ["/job/{step_id}", "/submit-job"]  # the schema says so too


DJANGO = """
import json, django
from django.conf import settings
settings.configure(ROOT_URLCONF="shop.urls", ALLOWED_HOSTS=["testserver"], SECRET_KEY="x", MIDDLEWARE=[], INSTALLED_APPS=[])
django.setup()
from django.test import Client
from shop import _termshift_wire as wire
client = Client()
out = []
for path, body in [("/submit-job/", {"job_type": "render"}), ("/submit-step/", {"step_type": "render"}),
                   ("/job/j1/", None), ("/submit-job/", {})]:
    if body is None:
        response = client.get(path)
    else:
        response = client.post(path, data=json.dumps(body), content_type="application/json")
    out.append([response.status_code, json.loads(response.content), dict(response.headers)])
out.append(wire.usage())
print(json.dumps(out))
"""


def test_django_old_url_patterns(tmp_path):
    pytest.importorskip("django")
    project = migrate("djshop", tmp_path)
    urls = (project / "shop" / "urls.py").read_text()
    assert ('path("submit-job/", _termshift_wire.old_view(views.submit_step, "submit-job/", "submit-step/")),'
            '  # termshift: compat until 2027-03-01') in urls
    old, new, got, bad, usage = run(project, DJANGO)
    assert old[:2] == [201, {"job_id": "j-render", "job_type": "render"}]
    assert HEADERS.items() <= lower(old[2]).items()
    assert lower(old[2])["link"] == '</submit-step/>; rel="successor-version"'
    assert new[:2] == [201, {"step_id": "j-render", "step_type": "render"}] and "deprecation" not in lower(new[2])
    assert got[:2] == [200, {"job_id": "j1", "status": "pending"}]
    assert lower(got[2])["link"] == '</step/j1/>; rel="successor-version"'
    assert bad[0] == 400 and "deprecation" in lower(bad[2])
    assert usage == {"submit-job/": 2, "job/<str:step_id>/": 1}


AIOHTTP = """
import asyncio, json
from aiohttp.test_utils import TestClient, TestServer
from shop.api import make_app
from shop import _termshift_wire as wire

async def main():
    out = []
    async with TestClient(TestServer(make_app())) as client:
        for method, path, body in [("post", "/submit-job", {"job_type": "render"}),
                                   ("post", "/submit-step", {"step_type": "render"}),
                                   ("get", "/job/j1", None), ("post", "/submit-job", {}),
                                   ("post", "/job/j2/cancel", {"job_reason": "late"}),
                                   ("post", "/step/j2/cancel", {"step_reason": "late"})]:
            response = await getattr(client, method)(path, json=body) if body is not None \
                else await getattr(client, method)(path)
            out.append([response.status, json.loads(await response.text()), dict(response.headers)])
    out.append(wire.usage())
    return out

print(json.dumps(asyncio.run(main())))
"""


def test_aiohttp_old_routes(tmp_path):
    pytest.importorskip("aiohttp")
    project = migrate("aioshop", tmp_path)
    api = (project / "shop" / "api.py").read_text()
    # The three ways aiohttp registers a route: a RouteTableDef decorator, a table entry, a router call.
    assert '@_termshift_wire.old_route(routes.post("/submit-job"), "/submit-job", "/submit-step")' in api
    assert 'web.get("/job/{id}", _termshift_wire.old_view(get_step, "/job/{id}", "/step/{id}")),' in api
    assert 'app.router.add_post("/job/{id}/cancel", _termshift_wire.old_view(cancel_step, ' in api
    old, new, got, bad, cancel, cancel_new, usage = run(project, AIOHTTP)
    assert old[:2] == [201, {"job_id": "j-render", "job_type": "render"}]
    assert HEADERS.items() <= lower(old[2]).items()
    assert lower(old[2])["link"] == '</submit-step>; rel="successor-version"'
    assert new[:2] == [201, {"step_id": "j-render", "step_type": "render"}] and "deprecation" not in lower(new[2])
    assert got[:2] == [200, {"job_id": "j1", "status": "pending"}]
    assert lower(got[2])["link"] == '</step/j1>; rel="successor-version"'
    assert bad[:2] == [400, {"error": "job_type is required"}] and "deprecation" in lower(bad[2])
    assert cancel[:2] == [200, {"job_id": "j2", "job_reason": "late"}]
    assert lower(cancel[2])["link"] == '</step/j2/cancel>; rel="successor-version"'
    assert cancel_new[:2] == [200, {"step_id": "j2", "step_reason": "late"}] and "link" not in lower(cancel_new[2])
    assert usage == {"/submit-job": 2, "/job/{id}": 1, "/job/{id}/cancel": 1}


@pytest.mark.parametrize("name", ["flaskshop", "fastshop", "djshop", "aioshop"])
def test_cleanup_removes_the_wire_pieces(name, tmp_path):
    project = migrate(name, tmp_path / "compat")
    env = {**os.environ, "TERMSHIFT_TODAY": "2027-01-04"}
    assert subprocess.run([sys.executable, "-m", "termshift", "cleanup", "shop"], cwd=project, env=env,
                          capture_output=True, timeout=120).returncode == 0
    plain = tmp_path / "plain" / name
    shutil.copytree(FIXTURES / name, plain)
    subprocess.run([sys.executable, "-m", "termshift", "migrate", "--no-compat", "shop"], cwd=plain, env=env,
                   capture_output=True, timeout=120)
    for module in sorted((plain / "shop").glob("*.py")):
        assert (project / "shop" / module.name).read_bytes() == module.read_bytes(), module.name
    assert not (project / "shop" / "_termshift_wire.py").exists()
