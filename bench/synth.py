"""Generate a synthetic but realistic SMS repository of N records for benchmarks."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

REVIEW_SECTIONS = [
    "Status of actions from previous reviews", "Changes in external and internal issues",
    "Nonconformities and corrective actions", "Monitoring and measurement results",
    "Audit results", "Opportunities for improvement", "Customer feedback", "Policies",
    "Objectives", "Service performance", "Performance of other parties", "Resources",
    "Risks and opportunities",
]
PARAGRAPH = ("The service desk handled 1,240 requests this period; first-contact resolution "
             "rose to 71% against a target of 70%. Follow-up is tracked under {ref}. "
             "Trend data for the last three quarters is in the KPI workbook.\n")


def _day(index: int) -> dt.date:
    """Dates rise with the index, so reviews follow each other in file order."""
    return dt.date(2000, 1, 1) + dt.timedelta(days=index)


def review(index: int, actions_per_record: int, last: int) -> str:
    """A management review; every review but the two latest has all its decisions done, and
    each review follows up the decisions of the previous one (index - 2) by id."""
    day = _day(index)
    actions = "".join(
        f"  - id: MR-ACT-{index:05d}{a}\n"
        f"    title: Decision {a} of review {index}\n"
        f"    owner: Service Delivery Manager\n"
        f"    target_date: {day + dt.timedelta(days=90)}\n"
        f"    status: {'open' if index >= last - 3 else 'done'}\n"
        f"    success_criteria: SLA achievement at or above 97% for two quarters\n"
        f"    clauses: [\"9.3\", \"8.3.3\"]\n"
        f"    evidence: [\"NC-{max(1, index - 1):05d}\"]\n"
        for a in range(actions_per_record))
    follow_up = ("This is the first review: there is no previous review.\n" if index < 3 else
                 "".join(f"- MR-ACT-{index - 2:05d}{a}: done.\n"
                         for a in range(actions_per_record)))
    body = "".join(f"## {title}\n\n{PARAGRAPH.format(ref=f'NC-{max(1, index - 1):05d}')}\n"
                   + (f"\n{follow_up}\n" if title.startswith("Status of actions") else "")
                   for title in REVIEW_SECTIONS)
    body += ("## Decisions\n\nThe review approved an improvement of the change process, a change "
             "to the service catalogue and resources for one more engineer.\n\n"
             "## Conclusion\n\nThe SMS and the services remain suitable, adequate and "
             "effective.\n")
    return (f"---\nid: MR-{index:05d}\ntype: management-review\ntitle: Management review "
            f"{index}\ndate: {day}\nchair: Managing Director\nattendees: [Managing Director, "
            f"SMS Manager, CTO]\nclauses: [\"9.3\"]\nactions:\n{actions}---\n"
            f"# Management review {index}\n\n{body}")


def nonconformity(index: int) -> str:
    day = _day(index)
    return (f"---\nid: NC-{index:05d}\ntype: nonconformity\ntitle: Nonconformity {index}\n"
            f"date: {day}\nowner: Change Manager\nclauses: [\"10.1\"]\nactions:\n"
            f"  - id: CA-{index:05d}\n    title: Corrective action {index}\n"
            f"    owner: Change Manager\n    target_date: {day + dt.timedelta(days=60)}\n"
            f"    status: done\n    closed_on: {day + dt.timedelta(days=50)}\n"
            f"    evidence: [\"MR-{index - 1 if index > 1 else 1:05d}\"]\n"
            f"    clauses: [\"10.1\"]\n---\n# Nonconformity {index}\n\n"
            "## Description\n\nEmergency changes were implemented without CAB review.\n\n"
            "## Cause analysis\n\nThe on-call rota did not name a change authority.\n\n"
            "## Correction\n\nThe changes were reviewed retrospectively.\n\n"
            "## Corrective action\n\nThe rota now names the change authority.\n\n"
            "## Effectiveness review\n\nNo emergency change went unreviewed in the next "
            "quarter.\n")


def generate(root: Path, n: int, actions_per_record: int = 1) -> Path:
    """Write n records (half reviews, half nonconformities) under root/records."""
    for index in range(1, n + 1):
        folder = root / "records" / ("reviews" if index % 2 else "ncs") / f"{index // 500:03d}"
        folder.mkdir(parents=True, exist_ok=True)
        text = (review(index, actions_per_record, n) if index % 2 else nonconformity(index))
        (folder / f"r{index:05d}.md").write_text(text, encoding="utf-8")
    (root / "docs").mkdir(exist_ok=True)
    (root / "docs" / "index.md").write_text("# Synthetic SMS\n", encoding="utf-8")
    return root
