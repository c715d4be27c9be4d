"""Actions: owner, target date, overdue; management review decisions, attendees and chair."""

from __future__ import annotations

import re

from ..core.context import Context
from ..core.model import ManagementReview, Record
from .fields import placeholder_value
from .sections import has_role, normalize


def check_record(ctx: Context, record: Record, has_decisions: bool | None = None) -> None:
    """Check the actions a record raised, and the review-specific fields.

    ``has_decisions`` says whether the body records decisions (a decisions table or
    section), so a review whose decisions are all in its text is not "without decisions".
    """
    rtype = ctx.pack.types.get(record.type)
    rules = rtype.action_rules if rtype else {}
    owner_rule = rules.get("owner", "action.owner")
    target_rule = rules.get("target_date", "action.target-date")
    review = isinstance(record, ManagementReview)
    if isinstance(record, ManagementReview) and not record.attendees:
        ctx.report("review.attendees", record.path,
                   record.line("attendees") if "attendees" in record.data
                   else record.line("type"))
    if review:
        _check_chair(ctx, record)  # type: ignore[arg-type]
    if "none" in rules and not record.actions and not has_decisions:
        ctx.report(rules["none"], record.path,
                   record.line("actions") if "actions" in record.data else record.line("type"))
    start = record.date  # a document's re-approval must not invalidate its open actions
    for action in record.actions:
        owner = action.owner.strip()
        if not owner:
            ctx.report(owner_rule, record.path, action.line("owner") if "owner" in action.data
                       else action.line("id"), action=action.id, detail="has no owner")
        elif placeholder_value(owner, ctx.pack):
            ctx.report(owner_rule, record.path, action.line("owner"), action=action.id,
                       detail=f"names the placeholder owner '{owner}', so nobody is "
                              f"accountable for it")
        if review and not str(action.data.get("success_criteria") or "").strip():
            ctx.report("review.decision.success-criteria", record.path, action.line("id"),
                       action=action.id)
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


def _check_chair(ctx: Context, review: ManagementReview) -> None:
    """review.chair: a chair whose role is named and is not top management. A chair named
    without a role is looked up in the attendees; a chair we cannot place is not reported."""
    chair = review.chair.strip()
    if not chair or placeholder_value(chair, ctx.pack):
        return  # field.required / content.placeholder say so
    verdict = _role_verdict(chair, ctx)
    if verdict is None:
        name = normalize(chair.split(",")[0].split("(")[0])
        for attendee in review.attendees:
            if name.strip() and name in normalize(attendee):
                verdict = _role_verdict(attendee, ctx)
                break
    if verdict is False:
        ctx.report("review.chair", review.path, review.line("chair"), chair=chair)


# Who someone stands in for is not their role: "Service Desk Manager (deputising for the CIO)"
_STANDS_IN = re.compile(r"(?i)[(,;]?\s*\b(?:deputi[sz]ing|standing in|substituting|"
                        r"on behalf|in place|in lieu|covering)\b[^()]*\)?")


def _role_verdict(text: str, ctx: Context) -> bool | None:
    """True: a top-management role; False: another role; None: no role named."""
    text = _STANDS_IN.sub(" ", text)
    if has_role(text, ctx.pack.top_management):
        return True
    if has_role(text, ctx.pack.other_roles):
        return False
    return None
