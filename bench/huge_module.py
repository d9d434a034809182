"""A project around one huge generated module, to measure what migrating a single file costs.

    python bench/huge_module.py DIR [--functions N]
    cd DIR && /usr/bin/time -v termshift migrate --no-compat --no-cache --diff . > /dev/null

DIR gets `pyproject.toml`, `app/__init__.py`, `app/jobs.py` (the huge module: a
`Job` class, then N small functions that each speak of jobs several ways —
parameters, attributes, storage keys, calls to each other, payload keys) and
`app/use.py`, which imports from it. With the default 40,500 functions
`app/jobs.py` is 4.98 MB: the size of the generated modules (protobuf, API
clients, ORM models) that a run must handle within bounded memory. The output
is the same for the same N, so the peak memory of a run is comparable between
commits. Stdlib only.
"""

from __future__ import annotations

import argparse
from pathlib import Path

HEAD = '''"""Generated job helpers."""

from dataclasses import dataclass


@dataclass
class Job:
    job_id: int
    job_name: str = ""


def save_job(job: Job, key: str) -> str:
    return key


'''

# Each function is one of these shapes, in turn (`{n}` its number, `{p}` the number of the
# submit_job_ function that starts its group of four).
SHAPES = (
    'def submit_job_{n}(job: Job, job_id: int) -> str:\n'
    '    job.job_id = job_id\n'
    '    return save_job(job, f"job:{{job_id}}")\n\n\n',

    'def load_job_{n}(job_id: int) -> Job:\n'
    '    job = Job(job_id, job_name="job-{n}")\n'
    '    submit_job_{p}(job, job_id)\n'
    '    return job\n\n\n',

    'def job_payload_{n}(job: Job) -> dict:\n'
    '    return {{"job_id": job.job_id, "job_name": job.job_name}}\n\n\n',

    'def count_jobs_{n}(jobs: list[Job]) -> int:\n'
    '    first_job_id = {n}\n'
    '    return sum(1 for job in jobs if job.job_id > first_job_id)\n\n\n',
)

USE = "from app.jobs import Job, submit_job_0\n\nsubmit_job_0(Job(1), 1)\n"


def module_text(functions: int) -> str:
    parts = [HEAD]
    for number in range(functions):
        # `load_job_{n}` calls the `submit_job_` just before it
        parts.append(SHAPES[number % len(SHAPES)].format(n=number, p=number - number % len(SHAPES)))
    return "".join(parts).rstrip("\n") + "\n"


def generate(folder: Path, functions: int) -> Path:
    files = {
        "pyproject.toml": '[project]\nname = "huge"\nversion = "0"\n',
        "app/__init__.py": "",
        "app/jobs.py": module_text(functions),
        "app/use.py": USE,
    }
    for relative, text in files.items():
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return folder / "app" / "jobs.py"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--functions", type=int, default=40_500)
    options = parser.parse_args()
    module = generate(options.folder, options.functions)
    print(f"{module}: {options.functions} functions, {module.stat().st_size / 1e6:.2f} MB")


if __name__ == "__main__":
    main()
