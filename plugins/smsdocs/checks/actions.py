"""Actions: owner, target date, overdue; management review decisions and attendees."""

from __future__ import annotations

from ..context import Context
from ..model import ManagementReview, Record


def check_record(ctx: Context, record: Record) -> None:
    """Check the actions a record raised, and the review-specific fields."""
    rtype = ctx.pack.types.get(record.type)
    rules = rtype.action_rules if rtype else {}
    owner_rule = rules.get("owner", "action.owner")
    target_rule = rules.get("target_date", "action.target-date")
    if isinstance(record, ManagementReview) and not record.attendees:
        ctx.report("review.attendees", record.path,
                   record.line("attendees") if "attendees" in record.data
                   else record.line("type"))
    if "none" in rules and not record.actions:
        ctx.report(rules["none"], record.path,
                   record.line("actions") if "actions" in record.data else record.line("type"))
    start = record.date  # a document's re-approval must not invalidate its open actions
    for action in record.actions:
        if not action.owner.strip():
            ctx.report(owner_rule, record.path, action.line("owner") if "owner" in action.data
                       else action.line("id"), action=action.id)
        raw_target = action.data.get("target_date")
        target = action.target_date
        if raw_target is None:
            ctx.report(target_rule, record.path, action.line("id"), action=action.id,
                       detail="has no target date")
        elif target is None:
            continue  # field.date reports the malformed value
        elif start is not None and target < start:
            ctx.report(target_rule, record.path, action.line("target_date"), action=action.id,
                       detail=f"has target date {target} before the record's date {start}")
        days = action.overdue_days(ctx.as_of)
        if days:
            ctx.report("action.overdue", record.path, action.line("target_date"),
                       action=action.id, target=target, days=days, as_of=ctx.as_of,
                       status=action.status)
