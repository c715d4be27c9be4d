"""Where this smsdocs was installed from, as a requirement another machine (CI) can install.

An install from a package index leaves no `direct_url.json` (PEP 610): the requirement is a
version pin. An install from a URL, a VCS or a local folder or file records that source in
the distribution's `direct_url.json`: the requirement names the same source, pinned to the
exact commit or archive hash when known. A source on this machine's disk is still written,
with a note that CI cannot reach it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import metadata

from ..version import __version__

INDEX = "the version running here, from a package index"
SOURCE = "the source this smsdocs was installed from"


@dataclass(frozen=True, slots=True)
class Requirement:
    """A requirements.txt line for smsdocs, and what the user should know about it."""

    spec: str
    origin: str
    note: str = ""


def _from_direct_url(data: dict[str, object]) -> Requirement | None:
    url = str(data.get("url") or "")
    if not url:
        return None
    local = url.startswith("file:")
    note = ("it is a path on this machine, which a CI runner cannot reach: rerun init with "
            "--requirement, or edit requirements.txt" if local else "")
    vcs = data.get("vcs_info")
    if isinstance(vcs, dict) and vcs.get("vcs"):
        revision = vcs.get("commit_id") or vcs.get("requested_revision")
        at = f"@{revision}" if revision else ""
        return Requirement(f"smsdocs @ {vcs['vcs']}+{url}{at}", SOURCE, note)
    archive = data.get("archive_info")
    if isinstance(archive, dict):
        hashes = archive.get("hashes")
        digest = hashes.get("sha256") if isinstance(hashes, dict) else None
        fragment = f"#sha256={digest}" if digest else ""
        return Requirement(f"smsdocs @ {url}{fragment}", SOURCE, note)
    return Requirement(f"smsdocs @ {url}", SOURCE, note)  # dir_info: a folder (maybe editable)


def detect() -> Requirement:
    """The requirement that installs the smsdocs running now, wherever it came from."""
    pin = Requirement(f"smsdocs=={__version__}", INDEX)
    try:
        dist = metadata.distribution("smsdocs")
    except metadata.PackageNotFoundError:
        return Requirement(pin.spec, INDEX,
                           "smsdocs runs here without being installed, so this pin assumes "
                           "your package index serves it: check it, or use --requirement")
    if dist.version != __version__:
        return pin
    try:
        text = dist.read_text("direct_url.json")
        data = json.loads(text) if text else None
    except (OSError, ValueError):
        data = None
    found = _from_direct_url(data) if isinstance(data, dict) else None
    return found or pin


def with_properdocs(spec: str) -> str:
    """The requirement with the ProperDocs extra (the engine the generated CI builds with):
    'smsdocs==0.1.0' -> 'smsdocs[properdocs]==0.1.0'; a spec naming extras is kept."""
    if spec.startswith("smsdocs") and spec[len("smsdocs"):][:1] in ("=", " ", "@", "<", ">",
                                                                      "~", "!", ""):
        return "smsdocs[properdocs]" + spec[len("smsdocs"):]
    return spec
