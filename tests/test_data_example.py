"""`termshift data` on a real Redis filled by the example service's old code."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from datakit import data, example_project, fill, read_new
from redisfix import assert_same, redis_db, redis_server, snapshot  # noqa: F401  (fixtures)


@pytest.fixture
def filled(tmp_path, redis_db):
    project = example_project(tmp_path)
    jobs = fill(project, redis_db.url)
    return project, redis_db, jobs


def url_env(server) -> dict:
    return {"REDIS_URL": server.url}


def test_plan_shows_every_pattern_and_what_is_stored(filled):
    project, server, _ = filled
    done = data("plan", cwd=project, env=url_env(server))
    assert done.returncode == 0, done.stderr
    rows = {line.split()[0]: line for line in done.stdout.splitlines() if line and not line.startswith(" ")}
    expected = {
        "job:*": ("step:*", "JSON document"),
        "jobs:pending": ("steps:pending", "list"),
        "jobs:active": ("steps:active", "list"),
        "stats:jobs_done": ("stats:steps_done", "counter"),
        "meta:job:*": ("meta:step:*", "hash"),
        "jobs:by_type:*": ("steps:by_type:*", "set"),
        "jobs:schedule": ("steps:schedule", "sorted set"),
        "jobs:history": ("steps:history", "stream"),
    }
    for old, (new, kind) in expected.items():
        assert old in rows, done.stdout
        assert rows[old].split()[1] == new
        assert kind in rows[old]
    # The code keeps the field `job_id` (one of its uses can't be tied: see the README), so the
    # stored documents keep it too; `job_type` moves.
    assert "job_id ->" not in done.stdout
    assert "job_type -> step_type" in done.stdout


def test_plan_without_a_server_reads_only_the_code(tmp_path):
    project = example_project(tmp_path)
    done = data("plan", cwd=project)
    assert done.returncode == 0, done.stderr
    assert "job:*" in done.stdout and "(no server asked)" in done.stdout


def test_plan_after_the_migration_comes_from_its_record(tmp_path):
    project = example_project(tmp_path)
    migrated = subprocess.run([sys.executable, "-m", "termshift", "migrate", "--report", "wire.json"], cwd=project,
                              capture_output=True, text=True, timeout=300)
    assert (project / "wire.json").is_file(), migrated.stderr
    again = data("plan", cwd=project)
    assert "job:*" not in again.stdout and "no storage key" in again.stderr
    done = data("plan", "--report", "wire.json", cwd=project)
    assert done.returncode == 0, done.stderr
    assert "job:*" in done.stdout and "jobs:pending" in done.stdout and "job_type -> step_type" in done.stdout


def test_copy_verify_read_by_the_new_code_tamper_and_roll_back(filled):
    project, server, jobs = filled
    client = server.client()
    before = snapshot(client)

    copied = data("copy", cwd=project, env=url_env(server))
    assert copied.returncode == 0, copied.stdout + copied.stderr
    assert "0 conflict(s), 0 skipped" in copied.stdout
    verified = data("verify", cwd=project, env=url_env(server))
    assert verified.returncode == 0, verified.stdout + verified.stderr

    # Every old key has its copy; documents and hashes speak the new vocabulary, ids stay as they were.
    for key, (kind, _, ttl) in before.items():
        if kind == b"list":
            assert not client.exists(key)  # moved, not copied
            continue
        new = key.replace(b"jobs", b"steps", 1) if key.startswith(b"jobs") else \
            key.replace(b"job", b"step", 1)
        assert client.type(new) == kind, new
        assert (client.pttl(new) > 0) == (ttl > 0), new
    for job_id, job in jobs.items():
        document = json.loads(client.get(f"step:{job_id}"))
        assert document == {("step_" + name[4:] if name.startswith("job_") and name != "job_id" else name): value
                            for name, value in job.items()}
        assert document["job_id"] == job_id  # the code keeps the field; "job-00003" is data: kept
        assert document["payload"]["note"] == "job_id is data here"
        meta = client.hgetall(f"meta:step:{job_id}")
        assert meta == {b"step_type": job["job_type"].encode(), b"owner": b"job-runner-1"}
    assert client.get("stats:steps_done") == client.get("stats:jobs_done")
    history = client.xrange("steps:history")
    assert history == client.xrange("jobs:history") and history[0][1][b"job_id"]  # stream fields: as they were

    # The migrated code reads them all.
    migrated = subprocess.run([sys.executable, "-m", "termshift", "migrate", "--report", "wire.json"], cwd=project,
                              capture_output=True, text=True, timeout=300)
    assert (project / "dispatch" / "step_store").is_dir(), migrated.stderr
    seen = read_new(project, server.url)
    assert set(seen["steps"]) == set(jobs)
    for job_id, step in seen["steps"].items():
        assert step["step_type"] == jobs[job_id]["job_type"] and step["status"] == jobs[job_id]["status"]
    pending = [job_id for job_id, job in jobs.items() if job["status"] == "pending"]
    assert sorted(seen["pending"]) == sorted(pending)
    assert len(seen["active"]) == len([job for job in jobs.values() if job["status"] == "active"])

    # The code speaks the new vocabulary now: the migration's record plans from here on.
    # A tampered copy is named.
    victim = f"step:{sorted(jobs)[1]}"
    document = json.loads(client.get(victim))
    document["attempts"] += 1
    client.set(victim, json.dumps(document), keepttl=True)
    bad = data("verify", "--report", "wire.json", cwd=project, env=url_env(server))
    assert bad.returncode == 1
    assert f"mismatch: job:{sorted(jobs)[1]} -> {victim}: value differs" in bad.stdout

    # Rollback: the database as it was before the copy, key for key.
    rolled = data("rollback", "--report", "wire.json", cwd=project, env=url_env(server))
    assert rolled.returncode == 0, rolled.stdout + rolled.stderr
    assert_same(before, snapshot(client))


def test_an_interrupted_copy_run_again_ends_as_an_uninterrupted_one(filled):
    project, server, _ = filled
    client = server.client()
    before = snapshot(client)
    slow = {**url_env(server), "TERMSHIFT_DATA_BATCH_DELAY": "0.25"}
    process = subprocess.Popen([sys.executable, "-m", "termshift", "data", "copy", "--batch-size", "10"],
                               cwd=project, env={**os.environ, **slow}, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while client.hlen(b"{termshift-data}:created") < 20 and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.05)
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=120)
    assert process.returncode == 130, out + err
    assert "run `termshift data copy` again" in err
    partial = client.hlen(b"{termshift-data}:created")
    assert 20 <= partial < len(before)

    again = data("copy", cwd=project, env=url_env(server))
    assert again.returncode == 0, again.stdout + again.stderr
    assert f"{partial} copied before" in again.stdout
    resumed = snapshot(client)

    assert data("rollback", cwd=project, env=url_env(server)).returncode == 0
    assert_same(before, snapshot(client))
    straight = data("copy", cwd=project, env=url_env(server))
    assert straight.returncode == 0
    assert_same(snapshot(client), resumed)
    assert data("verify", cwd=project, env=url_env(server)).returncode == 0


def test_drop_old_asks_then_deletes_only_verified_old_keys(filled):
    project, server, jobs = filled
    client = server.client()
    assert data("copy", cwd=project, env=url_env(server)).returncode == 0
    refused = subprocess.run([sys.executable, "-m", "termshift", "data", "drop-old"], cwd=project, input="n\n",
                             env={**os.environ, **url_env(server)}, capture_output=True, text=True,
                             timeout=120)
    assert refused.returncode == 1 and client.exists(f"job:{sorted(jobs)[0]}")
    dropped = data("drop-old", "--yes", cwd=project, env=url_env(server))
    assert dropped.returncode == 0, dropped.stdout + dropped.stderr
    assert not list(client.scan_iter(match="job:*")) and not client.exists("stats:jobs_done")
    assert client.exists(f"step:{sorted(jobs)[0]}")
    refused = data("rollback", cwd=project, env=url_env(server))
    assert refused.returncode == 1 and "dropped" in refused.stderr


def test_drop_old_refuses_while_a_copy_differs(filled):
    project, server, jobs = filled
    client = server.client()
    assert data("copy", cwd=project, env=url_env(server)).returncode == 0
    client.set("stats:steps_done", 999)
    refused = data("drop-old", "--yes", cwd=project, env=url_env(server))
    assert refused.returncode == 1
    assert "mismatch: stats:jobs_done -> stats:steps_done: value differs" in refused.stdout
    assert client.exists("stats:jobs_done") and client.exists(f"job:{sorted(jobs)[0]}")
