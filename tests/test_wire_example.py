"""The wire transition layer on the bundled example (DESIGN: "The transition on the wire").

`migrate dispatch` (all default stages, compat on) must keep old clients,
stored data and old webhook consumers working: the example's ORIGINAL suite
plays them, in dual-write. Old and new code run side by side against one
real Redis. `cleanup` leaves what `--no-compat` writes.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from redisfix import redis_db, redis_server  # noqa: F401  (fixtures)

FIXTURES = Path(__file__).parent / "fixtures"
IGNORED = shutil.ignore_patterns("__pycache__", ".pytest_cache")


def env(**extra: str) -> dict:
    base = {key: value for key, value in os.environ.items() if key != "TERMSHIFT_PHASE"}
    return {**base, "TERMSHIFT_TODAY": "2027-01-04", **extra}


def termshift(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "termshift", *args], cwd=cwd, env=env(),
                          capture_output=True, text=True, timeout=180)


def suite(project: Path, **extra: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"], cwd=project,
                          env=env(**extra), capture_output=True, text=True, timeout=300)


def copy_example(target: Path) -> Path:
    shutil.copytree(FIXTURES / "example", target / "example", ignore=IGNORED)
    if not (target / "vendor").exists():
        shutil.copytree(FIXTURES / "vendor", target / "vendor", ignore=IGNORED)
    return target / "example"


def tree(root: Path) -> dict[str, bytes]:
    return {path.relative_to(root).as_posix(): path.read_bytes() for path in sorted(root.rglob("*"))
            if path.is_file() and not {"__pycache__", ".termshift_cache"} & set(path.parts)}


def run_python(project: Path, code: str, *args: str, **extra: str) -> subprocess.CompletedProcess:
    path = os.pathsep.join([str(project), str(project.parent / "vendor")])
    return subprocess.run([sys.executable, "-c", code, *args], cwd=project, env=env(PYTHONPATH=path, **extra),
                          capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def migrated(tmp_path_factory) -> Path:
    """The library migrated with every default stage and compat on; the tests are the old clients."""
    project = copy_example(tmp_path_factory.mktemp("wire"))
    result = termshift("migrate", "dispatch", cwd=project)
    assert result.returncode == 0, result.stderr
    return project


def test_the_layer_is_one_stdlib_module_and_marked_pieces(migrated):
    wire = (migrated / "dispatch" / "_termshift_wire.py").read_text()
    assert wire.startswith("# termshift: compat module until 2027-03-01\n")
    assert "('job:{}', 'step:{}')" in wire and "'jobs:pending': " not in wire and "('jobs:pending', 'steps:pending')" in wire
    assert "'job_submitted': 'step_submitted'" in wire and "'job_id': 'step_id'" in wire
    assert 'SUNSET = "2027-03-01"' in wire and 'DEPRECATED_ON = "2027-01-04"' in wire
    imports = {line.split()[1] for line in wire.splitlines() if line.startswith(("import ", "from "))}
    assert imports <= {"__future__", "calendar", "datetime", "email.utils", "functools", "inspect", "json",
                       "logging", "os", "re", "threading", "collections"}
    api = (migrated / "dispatch" / "api.py").read_text()
    assert "from . import _termshift_wire  # termshift: compat until 2027-03-01\n" in api
    assert ('@app.route("/submit-step", methods=["POST"])\n@_termshift_wire.old_route(app.route("/submit-job", '
            'methods=["POST"]), "/submit-job", "/submit-step")  # termshift: compat until 2027-03-01\n') in api
    store = (migrated / "dispatch" / "step_store" / "__init__.py").read_text()
    assert "from .. import _termshift_wire  # termshift" in store and '_termshift_wire.storage(StepStore, "redis")' in store


def test_the_original_suite_passes_in_dual_write(migrated):
    result = suite(migrated)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "45 passed" in result.stdout
    explicit = suite(migrated, TERMSHIFT_PHASE="dual-write")
    assert "45 passed" in explicit.stdout, explicit.stdout


def test_a_second_run_changes_nothing(migrated, tmp_path):
    again = tmp_path / "example"
    shutil.copytree(migrated, again, ignore=IGNORED)
    shutil.copytree(migrated.parent / "vendor", tmp_path / "vendor", ignore=IGNORED)
    before = tree(again)
    result = termshift("migrate", "dispatch", cwd=again)
    assert result.returncode == 0 and "0 files changed" in result.stderr, result.stderr
    assert tree(again) == before


def test_cleanup_leaves_what_no_compat_writes(migrated, tmp_path):
    cleaned = copy_example(tmp_path / "cleaned")
    shutil.rmtree(cleaned)
    shutil.copytree(migrated, cleaned, ignore=IGNORED)
    plain = copy_example(tmp_path / "plain")
    assert termshift("migrate", "--no-compat", "dispatch", cwd=plain).returncode == 0
    result = termshift("cleanup", "dispatch", cwd=cleaned)
    assert result.returncode == 0, result.stderr
    assert tree(cleaned / "dispatch") == tree(plain / "dispatch")
    assert not (cleaned / "dispatch" / "_termshift_wire.py").exists()
    assert "_termshift_wire" not in "".join(path.read_text() for path in (cleaned / "dispatch").rglob("*.py"))


def test_the_whole_project_migrated_passes_in_every_phase_and_after_cleanup(tmp_path):
    """The migrated suite is new code: the layer must not show it the old vocabulary in any phase."""
    project = copy_example(tmp_path)
    termshift("migrate", ".", cwd=project)  # exits 1: `job_id` is kept everywhere (tests/test_jobs.py:76)
    for phase in ("dual-write", "prefer-new", "new-only"):
        result = suite(project, TERMSHIFT_PHASE=phase)
        assert "45 passed" in result.stdout, (phase, result.stdout)
    assert termshift("cleanup", ".", cwd=project).returncode == 0
    result = suite(project)
    assert "45 passed" in result.stdout, result.stdout


OLD_ROUTE = r"""
import json, logging
from dispatch import api, _termshift_wire as wire
from dispatch.service import StepService

seen = []
logging.getLogger("termshift.deprecated").addHandler(type("H", (logging.Handler,), {"emit": lambda self, r: seen.append(r.getMessage())})())
api.configure(StepService())
old = api.app.dispatch("POST", "/submit-job", request={"json": {"job_type": "render", "job_id": "j1", "payload": {"frame": 4}}})
got = api.app.dispatch("GET", "/job/j1")
new = api.app.dispatch("GET", "/step/j1")
try:
    api.app.dispatch("POST", "/submit-job", request={"json": {"step_type": ""}})
except Exception as error:
    status = error.status
print(json.dumps({"old": old, "headers": old.headers, "got": got, "got_headers": got.headers, "new": new,
                  "new_headers": getattr(new, "headers", None), "status": status, "usage": wire.usage(), "log": seen}))
"""


def test_the_old_route_speaks_the_old_vocabulary_with_deprecation_headers(migrated):
    result = run_python(migrated, OLD_ROUTE)
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert out["old"] == {"job_id": "j1", "status": "pending"}
    assert out["got"] == {"job_id": "j1", "job_type": "render", "status": "pending"}
    assert out["new"] == {"step_id": "j1", "step_type": "render", "status": "pending"} and out["new_headers"] is None
    assert out["headers"] == {"Deprecation": "@1799020800", "Sunset": "Mon, 01 Mar 2027 00:00:00 GMT",
                              "Link": '</submit-step>; rel="successor-version"'}
    assert out["got_headers"]["Link"] == '</step/j1>; rel="successor-version"'
    assert out["status"] == 400
    assert out["usage"] == {"/submit-job": 2, "/job/{step_id}": 1}
    assert len(out["log"]) == 3 and "deprecated route /submit-job" in out["log"][0]


# -- side by side: old code and new code against one real Redis ----------------

ADAPTER = r"""
import json, sys, time, redis

class Redis(redis.Redis):
    # The example's store speaks InMemoryRedis's signatures.
    def lrem(self, key, value):
        return super().lrem(key, 0, value)

    def eval(self, script, keys, args=()):
        return super().eval(script, len(keys), *keys, *args)

    def keys(self, pattern="*"):
        return sorted(super().keys(pattern))

client = Redis(port=int(sys.argv[1]), decode_responses=True)
role = sys.argv[2]
"""

OLD_CODE = ADAPTER + r"""
from dispatch.job_store import JobStore
from dispatch.service import JobService
service = JobService(JobStore(client), max_jobs=10**6)
if role == "submit":
    for i in range(int(sys.argv[3])):
        service.submit_job("render", {"i": i}, job_id=f"old-{i}")
elif role == "work":
    done = []
    while (job := service.claim_next_job()) is not None:
        time.sleep(0.02)  # slow enough for the other workers to take their share
        done.append(service.complete_job(job.job_id).job_id)
    print(json.dumps(done))
else:
    print(json.dumps({job.job_id: job.status.value for job in service.store.all_jobs().values()}))
"""

NEW_CODE = ADAPTER + r"""
from dispatch.step_store import StepStore
from dispatch.service import StepService
from dispatch.webhooks import WebhookOutbox
from dispatch import _termshift_wire as wire
service = StepService(StepStore(client), max_steps=10**6)
outbox = WebhookOutbox()
outbox.attach(service)
if role == "submit":
    for i in range(int(sys.argv[3])):
        service.submit_step("render", {"i": i}, step_id=f"new-{i}")
    print(json.dumps([[form["type"] for form in wire.forms(payload)] for payload in outbox.sent]))
elif role == "work":
    done = []
    while (step := service.claim_next_step()) is not None:
        time.sleep(0.02)  # slow enough for the other workers to take their share
        done.append(service.complete_step(step.step_id).step_id)
    print(json.dumps({"done": done, "sent": outbox.sent}))
else:
    print(json.dumps({step.step_id: step.status.value for step in service.store.all_steps().values()}))
"""


def test_old_and_new_code_side_by_side_on_one_redis(migrated, tmp_path, redis_db):  # noqa: F811
    original = copy_example(tmp_path)
    port = str(redis_db.port)

    submitted = run_python(migrated, NEW_CODE, port, "submit", "30")
    assert submitted.returncode == 0, submitted.stderr
    # Every event new code emits goes out in the old form first (dual-write), then the new one.
    assert json.loads(submitted.stdout) == [["job_submitted", "step_submitted"]] * 30
    assert run_python(original, OLD_CODE, port, "submit", "30").returncode == 0

    path = lambda project: os.pathsep.join([str(project), str(project.parent / "vendor")])  # noqa: E731
    workers = [
        subprocess.Popen([sys.executable, "-c", code, port, "work"], cwd=project, env=env(PYTHONPATH=path(project)),
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for project, code in ((original, OLD_CODE), (migrated, NEW_CODE), (original, OLD_CODE), (migrated, NEW_CODE))
    ]
    done: list[str] = []
    by_old, by_new = [], []
    for worker in workers:
        out, err = worker.communicate(timeout=120)
        assert worker.returncode == 0, err
        data = json.loads(out)
        if isinstance(data, dict):
            done += data["done"]
            by_new += data["done"]
            assert all(payload["type"] == "job_completed" and "job_id" in payload for payload in data["sent"])
        else:
            done += data
            by_old += data
    # Both kinds of worker popped jobs of both kinds of submitter.
    assert by_old and by_new, (by_old, by_new)
    # Every job processed exactly once, whichever code popped it.
    assert sorted(done) == sorted([f"old-{i}" for i in range(30)] + [f"new-{i}" for i in range(30)])

    # Both read everything, completed; old code alone (a rollback) still sees every job.
    for project, code in ((original, OLD_CODE), (migrated, NEW_CODE)):
        seen = json.loads(run_python(project, code, port, "read").stdout)
        assert len(seen) == 60 and set(seen.values()) == {"completed"}
    client = redis_db.client(decode_responses=True)
    assert client.llen("jobs:pending") == 0 and client.llen("steps:pending") == 0
    document = json.loads(client.get("job:new-3"))
    assert document["job_id"] == "new-3" and "step_id" not in document  # the old copy in the old field names


# -- webhooks on the wire: an old and a new consumer over real HTTP -------------

OLD_CONSUMER = r"""
import http.server, json
from dispatch.webhooks import describe, job_id_from, parse_payload

handled = []

class Hook(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        try:
            payload = parse_payload(body)
        except ValueError:  # a type this consumer doesn't know
            self.send_response(400)
            self.end_headers()
            return
        handled.append([describe(payload), job_id_from(payload), self.headers.get("Termshift-Event-Form")])
        self.send_response(204)
        self.end_headers()

    def do_GET(self):
        data = json.dumps(handled).encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass

server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Hook)
print(server.server_address[1], flush=True)
server.serve_forever()
"""

SENDER_AND_NEW_CONSUMER = r"""
import http.server, json, sys, threading
from dispatch.service import StepService
from dispatch.webhooks import WebhookOutbox

NEW_TYPES = ("step_submitted", "step_completed", "step_failed")  # written from the migration guide
handled = []

class Hook(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        payload = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        if payload.get("type") not in NEW_TYPES or "step_id" not in payload or "job_id" in payload:
            self.send_response(400)
            self.end_headers()
            return
        handled.append([payload["type"], payload["step_id"], sorted(payload["step_data"]),
                        self.headers.get("Termshift-Event-Form")])
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass

server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Hook)
threading.Thread(target=server.serve_forever, daemon=True).start()
service = StepService()
outbox = WebhookOutbox()
outbox.attach(service)
service.submit_step("render", {}, step_id="s1")
service.submit_step("encode", {}, step_id="s2")
service.claim_next_step()
service.complete_step("s1")
service.claim_next_step()
service.fail_step("s2", "disk full")
old = outbox.deliver(f"http://127.0.0.1:{sys.argv[1]}/hook")
new = outbox.deliver(f"http://127.0.0.1:{server.server_address[1]}/hook")
print(json.dumps({"old": old, "new": new, "handled": handled}))
"""

DESCRIBED = ["Job s1 submitted (render)", "Job s2 submitted (encode)", "Job s1 completed", "Job s2 failed: disk full"]


@pytest.mark.parametrize("phase", ["dual-write", "prefer-new"])
def test_an_old_and_a_new_webhook_consumer_both_handle_every_event_once(migrated, tmp_path, phase):
    """Dual-send over real HTTP: the example's sender delivers each event in both forms.

    The old consumer is the original example's code (it rejects types it
    doesn't know); the new one is written in the new vocabulary only.
    """
    original = copy_example(tmp_path)
    path = os.pathsep.join([str(original), str(original.parent / "vendor")])
    consumer = subprocess.Popen([sys.executable, "-c", OLD_CONSUMER], cwd=original, env=env(PYTHONPATH=path),
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        port = consumer.stdout.readline().strip()
        assert port.isdigit(), consumer.stderr.read()
        result = run_python(migrated, SENDER_AND_NEW_CONSUMER, port, TERMSHIFT_PHASE=phase)
        assert result.returncode == 0, result.stderr
        sent = json.loads(result.stdout)
        import urllib.request

        with urllib.request.urlopen(f"http://127.0.0.1:{port}/seen", timeout=10) as response:
            old_handled = json.loads(response.read())
    finally:
        consumer.kill()
        consumer.communicate()
    # Each delivery was taken by the consumer (the form it doesn't know was turned away, not retried).
    assert sent["old"] == [204] * 4 and sent["new"] == [200] * 4
    assert old_handled == [[text, text.split()[1], "old"] for text in DESCRIBED]
    assert sent["handled"] == [["step_submitted", "s1", ["step_type", "timestamp"], "new"],
                               ["step_submitted", "s2", ["step_type", "timestamp"], "new"],
                               ["step_completed", "s1", ["attempts", "timestamp"], "new"],
                               ["step_failed", "s2", ["reason", "timestamp"], "new"]]


def test_migrate_writes_a_client_guide(tmp_path):
    project = copy_example(tmp_path)
    guide = tmp_path / "GUIDE.md"
    result = termshift("migrate", "--diff", "--guide", str(guide), "dispatch", cwd=project)
    assert result.returncode == 0, result.stderr
    text = guide.read_text()
    assert "until **2027-03-01**" in text
    for row in ["| `/submit-job` | `/submit-step` |", "| `/job/{id}/complete` | `/step/{id}/complete` |",
                "| `job_submitted` | `step_submitted` |", "| `job_id` | `step_id` |",
                "| `job:{id}` | `step:{id}` |", "| `jobs:pending` | `steps:pending` |",
                "| `dispatch.jobs` | `dispatch.steps` |", "| `dispatch.jobs.Job` | `dispatch.steps.Step` |",
                "| `dispatch.job_store.JobStore.all_jobs` | `dispatch.step_store.StepStore.all_steps` |"]:
        assert row in text, row
    assert not (project / "dispatch" / "steps.py").exists()  # --diff wrote nothing else


def test_stage_by_stage_the_wire_module_learns_each_stage(tmp_path):
    project = copy_example(tmp_path)
    for stages in (["types", "services"], ["api"], ["keys", "webhooks"]):
        result = termshift("migrate", *(f"--stage={stage}" for stage in stages), "dispatch", cwd=project)
        assert result.returncode == 0, result.stderr
    wire = (project / "dispatch" / "_termshift_wire.py").read_text()
    assert "'/submit-job': '/submit-step'" in wire and "('job:{}', 'step:{}')" in wire and "'job_failed'" in wire
    result = suite(project)
    assert "45 passed" in result.stdout, result.stdout
