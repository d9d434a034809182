"""The example job-queue service, filled into a real Redis by its own (old) code, for the data tests."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

from redisfix import PYTHON

FIXTURES = Path(__file__).parent / "fixtures"

# What the example stores beside its job documents and queues, written the way its store writes:
# a counter, a hash, a set, a sorted set and a stream, each under a key the code names.
EXTRAS = '''\
"""Counters and indexes beside the job store."""

from dispatch.jobs import Job

DONE_COUNTER = "stats:jobs_done"
SCHEDULE_KEY = "jobs:schedule"
HISTORY_KEY = "jobs:history"


def meta_key(job_id: str) -> str:
    return f"meta:job:{job_id}"


def type_index_key(job_type: str) -> str:
    return f"jobs:by_type:{job_type}"


def record(redis, job: Job, at: float) -> None:
    redis.hset(meta_key(job.job_id), mapping={"job_type": job.job_type, "owner": "job-runner-1"})
    redis.sadd(type_index_key(job.job_type), job.job_id)
    redis.zadd(SCHEDULE_KEY, {job.job_id: at})
    redis.xadd(HISTORY_KEY, {"type": "job_submitted", "job_id": job.job_id}, id=f"{int(at)}-0")


def count_done(redis) -> int:
    return redis.incr(DONE_COUNTER)
'''

# Runs in the example's folder, with its old code: jobs pending, active, completed and failed.
FILL = '''\
import json, sys
import redis
sys.path.insert(0, ".")
from dispatch import extras
from dispatch.job_store import JobStore
from dispatch.service import JobService


class Client(redis.Redis):
    """redis-py, spoken the way the example's in-memory client is spoken to."""

    def lrem(self, key, value):
        return super().lrem(key, 0, value)

    def eval(self, script, keys, args=()):
        return super().eval(script, len(keys), *keys, *args)

    def keys(self, pattern="*"):
        return sorted(self.scan_iter(match=pattern))


url, count = sys.argv[1], int(sys.argv[2])
client = Client.from_url(url, decode_responses=True)
service = JobService(JobStore(client), max_jobs=count + 1)
for index in range(count):
    job = service.submit_job("encode" if index % 2 else "render", {"n": index, "note": "job_id is data here"},
                             job_id=f"job-{index:05d}" if index % 3 == 0 else None)
    extras.record(client, job, 1_700_000_000 + index)
for _ in range(count // 6):
    service.claim_next_job()                       # active
for _ in range(count // 6):
    job = service.claim_next_job()
    service.complete_job(job.job_id)               # done
    extras.count_done(client)
    client.pexpire(f"job:{job.job_id}", 86_400_000)  # finished jobs expire after a day
for _ in range(count // 12):
    job = service.claim_next_job()
    service.fail_job(job.job_id, "job exploded")   # failed
first = service.store.active_jobs()[0]
service.store.acquire_lock(first.job_id, "worker-1")
client.pexpire(f"job:{first.job_id}:lock", 3_600_000)
print(json.dumps({job_id: job.to_dict() for job_id, job in service.store.all_jobs().items()}))
'''


def example_project(tmp_path: Path) -> Path:
    """A copy of the example (and the vendored packages it reads) with the extras module."""
    shutil.copytree(FIXTURES / "example", tmp_path / "example")
    shutil.copytree(FIXTURES / "vendor", tmp_path / "vendor")
    project = tmp_path / "example"
    (project / "dispatch" / "extras.py").write_text(EXTRAS)
    return project


def fill(project: Path, url: str, count: int = 60) -> dict:
    """Fill the server through the example's own store; returns every job as the old code reads it."""
    done = subprocess.run([*PYTHON, "-c", FILL, url, str(count)], cwd=project, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def data(*args: str, cwd: Path, env: dict | None = None, timeout: int = 180) -> subprocess.CompletedProcess:
    environment = {key: value for key, value in os.environ.items() if key != "REDIS_URL"}
    environment.update(env or {})
    return subprocess.run([sys.executable, "-m", "termshift", "data", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=timeout, env=environment)


def read_new(project: Path, url: str) -> dict:
    """Every step and the pending queue, read by the migrated code (run `termshift migrate` first)."""
    script = textwrap.dedent('''\
        import json, sys, warnings
        warnings.simplefilter("ignore")
        import redis
        sys.path.insert(0, ".")
        from dispatch.step_store import StepStore

        class Client(redis.Redis):
            def keys(self, pattern="*"):
                return sorted(key for key in self.scan_iter(match=pattern) if self.type(key) == "string")

        store = StepStore(Client.from_url(sys.argv[1], decode_responses=True))
        print(json.dumps({"steps": {key: step.to_dict() for key, step in store.all_steps().items()},
                          "pending": [step.job_id for step in store.pending_steps()],  # the code keeps job_id
                          "active": [step.job_id for step in store.active_steps()]}))
    ''')
    done = subprocess.run([*PYTHON, "-c", script, url], cwd=project, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)
