"""JUnit XML output (GitLab merge-request test reports, Jenkins, Azure and others).

One ``<testsuite>``; one ``<testcase>`` per file checked, failing with one ``<failure>``
that lists the file's errors; warnings go to the test case's ``<system-out>``.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import xml.etree.ElementTree as ET
from itertools import groupby

from ..core.findings import Finding, Severity
from .report import Report

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def render_junit(report: Report) -> str:
    """A JUnit XML report: a test case per file, failures for its error findings."""
    findings = report.findings
    by_file = {file: list(group) for file, group in groupby(
        sorted(findings, key=Finding.sort_key), key=lambda f: f.file)}
    names = sorted(report.files | set(by_file))
    failed = sum(1 for n in names if any(f.severity is Severity.ERROR
                                         for f in by_file.get(n, [])))
    suites = ET.Element("testsuites", name="smsdocs", tests=str(len(names)),
                        failures=str(failed), errors="0")
    suite = ET.SubElement(suites, "testsuite", name="smsdocs check", tests=str(len(names)),
                          failures=str(failed), errors="0", skipped="0",
                          timestamp=_timestamp())
    for name in names:
        case = ET.SubElement(suite, "testcase", classname="smsdocs." + _classname(name),
                             name=name, file=name)
        found = by_file.get(name, [])
        errors = [f for f in found if f.severity is Severity.ERROR]
        warnings = [f for f in found if f.severity is not Severity.ERROR]
        if errors:
            failure = ET.SubElement(case, "failure", type="smsdocs",
                                    message=_xml(f"{len(errors)} error(s): {errors[0].message}"))
            failure.text = "\n".join(_line(f) for f in errors)
        if warnings:
            ET.SubElement(case, "system-out").text = "\n".join(_line(f) for f in warnings)
    ET.indent(suites)
    body = ET.tostring(suites, encoding="unicode")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body


def _timestamp() -> str:
    """When the run happened: SOURCE_DATE_EPOCH for a reproducible report, else now."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    when = dt.datetime.fromtimestamp(int(epoch), dt.UTC) if epoch.isdigit() \
        else dt.datetime.now(dt.UTC)
    return when.replace(microsecond=0).isoformat()


def _classname(path: str) -> str:
    folder = path.rsplit("/", 1)[0] if "/" in path else "root"
    return folder.replace("/", ".")


def _line(finding: Finding) -> str:
    hint = f"\n    hint: {finding.hint}" if finding.hint else ""
    return _xml(f"{finding.file}:{finding.line}: {finding.severity} [{finding.rule}] "
                f"{finding.message}{hint}")


def _xml(text: str) -> str:
    """Text without the characters XML 1.0 cannot hold."""
    return _NOT_XML.sub("\ufffd", text)
