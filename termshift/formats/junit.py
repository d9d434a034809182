"""JUnit XML, for CI systems that show test reports (GitLab `artifacts: reports: junit:`, Jenkins,
Azure): one test suite per file with findings, one failed test case per finding.

A clean run is one passing test case, so the report says the check ran. Only
findings at or above the failing severity are failures; the others are test
cases that pass with their message in `system-out`, as they don't fail the
check either.
"""

from __future__ import annotations

from itertools import groupby
from typing import TextIO
from xml.etree import ElementTree as ET

from ..findings import fails
from . import Report


def document(report: Report) -> ET.Element:
    result = report.result
    fail_on = result.fail_on
    suites = ET.Element("testsuites", name="termshift", tests=str(max(len(result.findings), 1)),
                        failures=str(sum(fails(finding, fail_on) for finding in result.findings)), errors="0")
    if not result.findings:
        suite = ET.SubElement(suites, "testsuite", name="termshift", tests="1", failures="0", errors="0")
        ET.SubElement(suite, "testcase", name="termshift check", classname="termshift")
        return suites
    for path, group in groupby(result.findings, key=lambda finding: finding.path):
        group = list(group)
        shown = report.from_repository(path)
        suite = ET.SubElement(suites, "testsuite", name=shown, tests=str(len(group)),
                              failures=str(sum(fails(finding, fail_on) for finding in group)), errors="0")
        for finding in group:
            case = ET.SubElement(suite, "testcase", name=f"{finding.code} {finding.rule} at {finding.line}:"
                                 f"{finding.column}", classname=shown, file=shown, line=str(finding.line))
            text = f"{shown}:{finding.line}:{finding.column}: {finding.code} {finding.message}"
            if fails(finding, fail_on):
                failure = ET.SubElement(case, "failure", message=finding.message, type=finding.code)
                failure.text = text
            else:
                ET.SubElement(case, "system-out").text = f"{finding.severity}: {text}"
    return suites


def write(report: Report, out: TextIO, err: TextIO) -> None:
    tree = ET.ElementTree(document(report))
    ET.indent(tree)
    out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    out.write(ET.tostring(tree.getroot(), encoding="unicode"))
    out.write("\n")
