"""Names the project's code shares with code in other languages in its tree: a query's columns
(`AS jobs_count`, read back as `row["jobs_count"]`), a front end reading a payload. Nothing ties
them to the Python, so they hold the name back: renamed on one side alone, the two fall apart."""

from __future__ import annotations

from pathlib import Path

from lintkit import migrated_alike, termshift, write_project

QUERIES = ("-- name: queue_stats\nSELECT queue, COUNT(*) AS jobs_count FROM jobs_table GROUP BY queue;\n")
STATS = ("import pathlib\nimport sqlite3\n\n\ndef stats():\n    db = sqlite3.connect(':memory:')\n"
         "    db.row_factory = sqlite3.Row\n    db.execute('CREATE TABLE jobs_table (queue TEXT)')\n"
         "    db.execute(\"INSERT INTO jobs_table VALUES ('a')\")\n"
         "    query = (pathlib.Path(__file__).parent / 'queries.sql').read_text().split('\\n', 1)[1]\n"
         "    return [{'queue': row['queue'], 'jobs_count': row['jobs_count']} for row in db.execute(query)]\n")


def test_a_column_a_query_names_keeps_its_key(tmp_path: Path) -> None:
    migrated_alike(tmp_path / "project", {"app/queries.sql": QUERIES, "app/stats.py": STATS},
                   "from app.stats import stats; print(stats())", ("can't be tied to what is renamed (app/queries.sql:2:",))


def test_only_names_of_several_words_count_in_other_code(tmp_path: Path) -> None:
    """`data.jobId` in a front end holds the payload key `jobId`; `job.done` there is the front
    end's own attribute, and holds nothing (in a settings file, `app.job.Runner` is a dotted path)."""
    root = write_project(tmp_path / "project", {
        "app/__init__.py": "",
        "app/views.py": "def show(job):\n    return {'jobId': job.ident, 'done': True}\n",
        "static/app.js": "fetch('/x').then(r => r.json()).then(data => show(data.jobId, job.done));\n",
    })
    done = termshift("migrate", "--no-compat", ".", cwd=root)
    text = (root / "app/views.py").read_text()
    assert "'jobId'" in text and "def show(step):" in text, done.stderr
    column = (root / "static/app.js").read_text().index("jobId") + 1
    assert f"'jobId' is kept everywhere: 1 occurrence of the name can't be tied to what is renamed " \
           f"(static/app.js:1:{column})" in done.stderr, done.stderr
