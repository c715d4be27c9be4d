"""The one builder of management-review records the tests write (the rule tests read theirs
from tests/fixtures/rules/): front matter, the decisions as actions, an H1 and the minutes."""

from __future__ import annotations

import textwrap
from collections.abc import Mapping

# The front matter of a review every test can start from, in the order it is written.
REVIEW_FIELDS: dict[str, str] = {
    "id": "MR-2026-01", "type": "management-review", "title": "Management review 2026 Q1",
    "date": "2026-03-10", "chair": "Managing Director",
    "attendees": "[Managing Director, SMS Manager]", "status": "approved",
    "clauses": '["9.3"]'}


def management_review(actions: str = "", body: str = "", *, heading: str | None = None,
                      fields: Mapping[str, str] = REVIEW_FIELDS, **changes: str) -> str:
    """A management-review record: `fields` with `changes` (YAML values written as they are;
    a value that starts with a line break is a block), then `actions:` with the YAML list
    `actions` (any indentation), then `# heading` (the title by default) and `body`."""
    values = {**fields, **changes}
    front = "".join(f"{key}:{'' if value.startswith(chr(10)) else ' '}{value}\n"
                    for key, value in values.items())
    if actions.strip():
        front += f"actions:\n{textwrap.indent(textwrap.dedent(actions).strip(), '  ')}\n"
    return f"---\n{front}---\n# {heading or values['title']}\n\n{body}"
