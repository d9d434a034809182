"""SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.

Every rule of the rule set is described (short and full description, help
in text and Markdown, default level), results point at repository-relative
URIs under `%SRCROOT%`, and each result carries the same line-independent
fingerprint the baseline uses, so code scanning tracks a finding across
edits instead of opening a new alert when lines move. Each rule links to its
page (`helpUri`); a finding `--fix` can fix carries the edit at its place as a
SARIF fix (the whole rename is every such edit of the name, and, for a module,
its file's move, which SARIF can't express).
"""

from __future__ import annotations

from typing import Any, TextIO

from .. import __version__
from ..rules.registry import RULES
from . import SHARD_KEY, Report, indented

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVEL = {"error": "error", "warning": "warning", "info": "note"}


def _rule(rule) -> dict:
    doc = rule.doc()
    first = doc.split("\n\n## ", 1)[0]
    what = first.split("\n", 1)[1].strip() if first.startswith("## What it does") else rule.summary
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": " ".join(what.split())},
        "help": {"text": doc, "markdown": rule.help_markdown()},
        "helpUri": rule.help_uri(),
        "defaultConfiguration": {"level": _LEVEL[rule.severity]},
        "properties": {"tags": ["termshift", rule.name], "fixable": rule.fixable},
    }


def _fix(report: Report, finding) -> dict:
    return {
        "description": {"text": f"Rename {finding.text!r} to {finding.replacement!r} (termshift check --fix renames "
                                f"it everywhere)"},
        "artifactChanges": [{
            "artifactLocation": {"uri": report.from_repository(finding.path), "uriBaseId": "%SRCROOT%"},
            "replacements": [{
                "deletedRegion": {"startLine": finding.line, "startColumn": finding.column,
                                  "endLine": finding.end_line, "endColumn": finding.end_column},
                "insertedContent": {"text": finding.replacement},
            }],
        }],
    }


def _result(report: Report, finding, index: dict[str, int]) -> dict:
    result = {
        "ruleId": finding.code,
        "ruleIndex": index[finding.code],
        "level": _LEVEL[finding.severity],
        "message": {"text": finding.message},
        "locations": [{
            "physicalLocation": {
                "artifactLocation": {"uri": report.from_repository(finding.path), "uriBaseId": "%SRCROOT%"},
                "region": {
                    "startLine": finding.line,
                    "startColumn": finding.column,
                    "endLine": finding.end_line,
                    "endColumn": finding.end_column,
                },
            }
        }],
        "partialFingerprints": {"termshiftFingerprint/v1": finding.fingerprint},
        "properties": {"fixable": finding.fixable},
    }
    if finding.replacement is not None:
        result["fixes"] = [_fix(report, finding)]
    return result


def document(report: Report, results: Any = None) -> dict:
    """The SARIF log; `results` in place of the findings' (`write` puts a placeholder there)."""
    findings = report.result.findings
    if results is None:
        index = _rule_index()
        results = [_result(report, finding, index) for finding in findings]
    run = {
        "tool": {
            "driver": {
                "name": "termshift",
                "version": __version__,
                "semanticVersion": __version__,
                "rules": [_rule(rule) for rule in RULES],
            }
        },
        "originalUriBaseIds": {"%SRCROOT%": {"uri": report.repository.as_uri() + "/"}},
        "columnKind": "unicodeCodePoints",
        "results": results,
    }
    shard = report.shard_record("sarif")
    if shard is not None:  # a run's property bag: SARIF's place for what its producer adds
        run["properties"] = {SHARD_KEY: shard}
    return {"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}


def _rule_index() -> dict[str, int]:
    return {rule.code: position for position, rule in enumerate(RULES)}


# Where the results are in the log: its top object, "runs", the run.
RESULTS_DEPTH = 3


def write(report: Report, out: TextIO, err: TextIO) -> None:
    """The log as `json.dump(document(report), indent=2)` writes it, a result at a time (indented.py)."""
    index = _rule_index()
    results = (_result(report, finding, index) for finding in report.result.findings)
    indented.write_with_array(out, document(report, indented.PLACEHOLDER), results, RESULTS_DEPTH)
    out.write("\n")
