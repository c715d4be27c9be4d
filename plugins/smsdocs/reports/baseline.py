"""Gradual adoption: record today's findings in a baseline file and fail only on new ones.

A finding is keyed by rule + file + a fingerprint of what it is about (its subject, such as
an id, and its message with every number masked), never by its line: adding a paragraph
above a baselined finding does not bring it back, and an overdue warning whose day count
grows stays the same finding. Identical keys are counted, so a second new "action has no
owner" in the same file is still reported.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from pathlib import Path

from ..core import writer
from ..core.findings import Finding
from ..errors import ConfigError
from ..version import __version__

DEFAULT_FILE = ".smsdocs-baseline.json"
FORMAT_VERSION = 1
_NUMBER = re.compile(r"\d+")

Key = tuple[str, str, str]


class BaselineError(ConfigError):
    """A baseline file that cannot be read."""


def fingerprint(finding: Finding) -> str:
    """A short hash of what a finding is about, stable across line shifts and day counts."""
    basis = "\0".join((finding.rule, finding.subject, _NUMBER.sub("#", finding.message)))
    return hashlib.sha256(basis.encode("utf-8")).hexdigest()[:16]


def key(finding: Finding) -> Key:
    return (finding.rule, finding.file, fingerprint(finding))


def dumps(findings: list[Finding]) -> str:
    """The baseline file's text: one entry per key, sorted, with a count and a sample."""
    counts = Counter(key(f) for f in findings)
    sample: dict[Key, str] = {}
    for finding in findings:
        sample.setdefault(key(finding), finding.message)
    entries = [{"rule": k[0], "file": k[1], "fingerprint": k[2], "count": n,
                "message": sample[k]} for k, n in sorted(counts.items())]
    return json.dumps({"version": FORMAT_VERSION, "generator": f"smsdocs {__version__}",
                       "findings": entries}, indent=2, ensure_ascii=False) + "\n"


def write(path: Path, findings: list[Finding]) -> None:
    """Re-record the baseline: an explicit regeneration, so an existing baseline file is
    replaced (atomically); a symlink or a non-regular file is refused."""
    writer.replace(path, dumps(findings))


def load(path: Path) -> Counter[Key]:
    """The keys (with counts) of a baseline file."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        entries = data["findings"]
        return Counter({(str(e["rule"]), str(e["file"]), str(e["fingerprint"])):
                        int(e.get("count", 1)) for e in entries})
    except OSError as exc:
        raise BaselineError(f"cannot read baseline {path}: {exc.strerror}") from exc
    except (ValueError, KeyError, TypeError) as exc:
        raise BaselineError(f"{path} is not an smsdocs baseline file ({exc})") from exc


def apply(findings: list[Finding], known: Counter[Key]) -> tuple[list[Finding], int]:
    """The findings not in the baseline, and how many baselined ones were suppressed."""
    left = Counter(known)
    new: list[Finding] = []
    suppressed = 0
    for finding in findings:
        k = key(finding)
        if left[k] > 0:
            left[k] -= 1
            suppressed += 1
        else:
            new.append(finding)
    return new, suppressed
