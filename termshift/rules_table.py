"""`termshift rules` and `termshift explain`: the rule set, as people read it.

The README's rule table is this module's Markdown output, so the docs and
the tool can't drift apart (a test compares them).
"""

from __future__ import annotations

from .rules.registry import BY_CODE, BY_NAME, RULES


def rows() -> list[tuple[str, str, str, str, str]]:
    return [(rule.code, rule.name, rule.severity, "yes" if rule.fixable else "", rule.summary) for rule in RULES]


def markdown() -> str:
    lines = ["| code | name | severity | fix | what it reports |", "| --- | --- | --- | --- | --- |"]
    lines += [f"| {code} | `{name}` | {severity} | {fix} | {summary} |" for code, name, severity, fix, summary in rows()]
    return "\n".join(lines) + "\n"


def plain() -> str:
    """Aligned columns that never wrap, whatever the terminal's width: scripts read it too."""
    table = [("code", "name", "severity", "fix", "what it reports"), *rows()]
    widths = [max(len(row[index]) for row in table) for index in range(4)]
    return "".join(
        "  ".join(cell.ljust(width) for cell, width in zip(row[:4], widths)) + "  " + row[4] + "\n" for row in table
    )


def explain_text(code: str) -> str | None:
    rule = BY_CODE.get(code.strip().upper()) or BY_NAME.get(code.strip())
    if rule is None:
        return None
    fix = "sometimes (check --fix)" if rule.fixable else "no"
    return f"{rule.code} {rule.name}\nseverity: {rule.severity} · fixable: {fix}\n\n{rule.doc()}"


def page(code: str) -> str:
    """The rule's page under docs/rules/ (what SARIF's helpUri opens): its `explain` text, in Markdown."""
    rule = BY_CODE[code]
    fix = "sometimes (`termshift check --fix`)" if rule.fixable else "no"
    return (f"# {rule.code} `{rule.name}`\n\nSeverity: {rule.severity} · fixable: {fix}\n\n{rule.doc()}\n\n"
            f"Generated from the rule's documentation (`termshift explain {rule.code}`).\n")


def write_pages(folder: str) -> None:
    """Regenerate docs/rules/: `python -c "from termshift.rules_table import write_pages; write_pages('docs/rules')"`."""
    from pathlib import Path

    target = Path(folder)
    target.mkdir(parents=True, exist_ok=True)
    for rule in RULES:
        (target / f"{rule.code}.md").write_text(page(rule.code), encoding="utf-8")
