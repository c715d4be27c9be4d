"""SARIF 2.1.0 output, for GitHub code scanning and other tools that read static analysis.

Every rule of the pack is listed under ``tool.driver.rules`` (id, description, hint,
clause, severity), so code scanning shows what the rule asks and how to fix a finding
next to the line. Locations are relative to the top of the git work tree when there is one
(the root GitHub resolves them from), else to the SMS root.
"""

from __future__ import annotations

import json
import re
from typing import Any

from ..core import wording
from ..core.findings import Severity
from ..version import __version__
from .baseline import fingerprint
from .report import Report

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://www.iso.org/standard/70636.html"
_PLACEHOLDER = re.compile(r"\{(\w+)\}")
_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning"}


def _plain(template: str) -> str:
    """A message template as readable text: '{field}' becomes '<field>'."""
    return _PLACEHOLDER.sub(r"<\1>", template).strip()


def _rule(rule: Any) -> dict[str, Any]:
    description = _plain(rule.description or rule.message) or rule.id
    entry: dict[str, Any] = {
        "id": rule.id,
        "name": rule.id,
        "shortDescription": {"text": description},
        "fullDescription": {"text": f"ISO/IEC 20000-1 clause {rule.clause}: {description}"},
        "defaultConfiguration": {"level": _LEVEL.get(rule.severity, "warning")},
        "properties": {"clause": rule.clause, "severity": str(rule.severity),
                       "tags": ["iso20000", f"clause-{rule.clause}"]},
    }
    hint = _plain(wording.hint(rule))
    if hint:
        entry["help"] = {"text": hint, "markdown": hint}
    if rule.source:
        entry["properties"]["source"] = rule.source
    return entry


def render_sarif(report: Report) -> str:
    """A SARIF 2.1.0 log with one run: the pack's rules and one result per finding."""
    findings, pack, root = report.findings, report.pack, report.source_root
    rules = [_rule(r) for r in sorted(pack.rules.values(), key=lambda r: r.id)] if pack else []
    index = {r["id"]: i for i, r in enumerate(rules)}
    for finding in findings:  # a rule unknown to the pack (should not happen) still shows
        if finding.rule not in index:
            index[finding.rule] = len(rules)
            rules.append({"id": finding.rule, "shortDescription": {"text": finding.rule},
                          "properties": {"severity": str(finding.severity)}})
    results = []
    for finding in findings:
        text = finding.message + (f"\nHint: {finding.hint}" if finding.hint else "")
        location = {"physicalLocation": {
            "artifactLocation": {"uri": report.uri_prefix + finding.file, "uriBaseId": "SRCROOT"},
            "region": {"startLine": max(1, finding.line)}}}
        results.append({
            "ruleId": finding.rule, "ruleIndex": index[finding.rule],
            "level": _LEVEL[finding.severity], "message": {"text": text},
            "locations": [location],
            "partialFingerprints": {"smsdocsFingerprint/v1": fingerprint(finding)},
        })
    run: dict[str, Any] = {
        "tool": {"driver": {"name": "smsdocs", "version": __version__,
                            "semanticVersion": __version__,
                            "informationUri": INFORMATION_URI, "rules": rules}},
        "results": results,
        "columnKind": "unicodeCodePoints",
        "properties": {"summary": report.totals.as_dict()},
    }
    if pack is not None:
        run["tool"]["driver"]["properties"] = {"pack": pack.name, "packVersion": pack.version,
                                               "profile": pack.profile}
    if root is not None:
        run["originalUriBaseIds"] = {"SRCROOT": {"uri": root.resolve().as_uri() + "/"}}
    return json.dumps({"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]},
                      indent=2, ensure_ascii=False)
