"""TSH302 external-name."""

from __future__ import annotations

from termshift.rule import LITERALS_PENDING, Invalid, Rule, Valid


class ExternalName(Rule):
    """
    ## What it does
    Reports the project's own text that names something outside the
    project with the legacy term: an environment variable
    (`os.environ["SLURM_JOB_ID"]`), a flag of another program, a
    third-party URL.

    ## Why is this bad?
    It isn't, necessarily: the name belongs to someone else and has to stay
    as it is. It is reported so that a reviewer can confirm it is meant;
    add it to `keep` in the configuration, or suppress the line, once it is.

    ## Example
    ```python
    allocation = os.environ.get("SLURM_JOB_ID")
    ```

    ## Use instead
    Nothing to change when the outside name is right; to silence it:
    ```toml
    [tool.termshift]
    keep = ["SLURM_JOB_ID"]
    ```

    ## Fix
    None: `termshift` never renames what the project doesn't own.
    Third-party identifiers (`from rq.job import Job`,
    `scheduler.add_job(job_id=…)`) are not reported at all.
    """

    code = "TSH302"
    name = "external-name"
    severity = "warning"
    summary = "The project's text names an outside thing with the legacy term"
    fixable = False
    VALID = [
        Valid('import os\n\nHOME = os.environ.get("HOME")\n'),
        Valid("from taskclock.job import Job\n"),
    ]
    INVALID = [
        Invalid('import os\n\nALLOCATION = os.environ.get("SLURM_JOB_ID")\n', at=("app.py:3:36",),
                xfail=LITERALS_PENDING),
    ]

    @staticmethod
    def message(site) -> str:
        return f"{site.old!r}: {site.note or 'names something outside the project: left as it is'}"
