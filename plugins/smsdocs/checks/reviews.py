"""The management review loop: each review follows up the previous one's open actions, and
an open issue that reappears without a decision is a discussion loop."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..core.context import Context
from ..core.markdown import Section
from ..core.model import ID_TOKEN, Action, ManagementReview, Repository, id_tokens
from .references import prose_ids
from .sections import normalize, placeholder_state, sections_by_rule

FOLLOW_UP_RULE = "review.previous-actions"
LOOP_RULE = "review.discussion-loop"
INPUT_RULE = "review.input.previous-actions"


@dataclass(slots=True)
class ReviewChain:
    """The management reviews of a repository in date order."""

    reviews: list[ManagementReview]

    open_after: dict[str, list[Action]]  # review id -> decisions open at that review

    @classmethod
    def of(cls, repo: Repository) -> ReviewChain:
        """The reviews in date order, with the decisions open at each, in one pass: an
        action closed by a review's date stays closed for every later review."""
        reviews = sorted((r for r in repo.records if isinstance(r, ManagementReview) and r.date),
                         key=lambda r: (r.date, r.id))
        open_after: dict[str, list[Action]] = {}
        pending: list[Action] = []
        for review in reviews:
            assert review.date is not None
            pending = [a for a in pending if not (
                a.is_closed and (a.closed_on is None or a.closed_on <= review.date))]
            pending.extend(review.actions)
            open_after[review.id] = list(pending)
        return cls(reviews, open_after)

    def open_at(self, review: ManagementReview) -> list[Action]:
        """Decisions of this and earlier reviews still open on the review's date."""
        return self.open_after.get(review.id, [])


def _active(ctx: Context, rule_id: str) -> bool:
    return rule_id in ctx.pack.rules and rule_id not in ctx.pack.disabled


def check(ctx: Context, repo: Repository) -> None:
    """Run the follow-up and discussion-loop rules over every review."""
    follow, loop = _active(ctx, FOLLOW_UP_RULE), _active(ctx, LOOP_RULE)
    if not (follow or loop):
        return
    chain = ReviewChain.of(repo)
    previous: ManagementReview | None = None
    for review in chain.reviews:
        if follow:
            _follow_up(ctx, chain, review, previous)
        if loop and previous is not None:
            _discussion_loop(ctx, repo, review, previous)
        previous = review


def previous_actions_section(ctx: Context, review: ManagementReview) -> list[Section]:
    rule = ctx.pack.rules.get(INPUT_RULE)
    if rule is None or rule.section is None:
        return []
    return sections_by_rule(review, ctx.pack).get(INPUT_RULE, [])


def _follow_up(ctx: Context, chain: ReviewChain, review: ManagementReview,
               previous: ManagementReview | None) -> None:
    rule = ctx.pack.rules.get(FOLLOW_UP_RULE)
    if rule is None:
        return
    sections = previous_actions_section(ctx, review)
    if sections and placeholder_state("\n".join(s.text for s in sections), ctx) is not None:
        return  # an unwritten section: content.placeholder already says so
    if sections:
        anchor = sections[0].line
        text_lines = [(s.start + i, line) for s in sections
                      for i, line in enumerate(s.text.split("\n"))]
    elif previous is None or review.body is None:
        return  # review.input.previous-actions reports the missing section
    else:  # no section for input a): the follow-up may still be anywhere in the minutes
        anchor = review.sections[0].line if review.sections else review.front.body_line
        text_lines = list(enumerate(review.body.lines, start=review.body.first_line))
    if previous is None:
        pattern = re.compile(str(rule.extra.get("first_review_pattern", "")))
        if not any(pattern.search(line) for _, line in text_lines):
            ctx.report(FOLLOW_UP_RULE, review.path, anchor,
                       detail="this is the first review in the repository, but its "
                              "previous-actions section does not say there is no previous review",
                       fix="Say explicitly that this is the first review and that there are "
                           "no previous actions to follow up.")
        return
    words = [normalize(w) for w in rule.extra.get("status_words", [])]
    mentioned: dict[str, list[tuple[int, str]]] = {}
    for ln, line in text_lines:  # one id scan per line; each action is then a look-up
        for token in set(id_tokens(line)):
            mentioned.setdefault(token, []).append((ln, line))
    for action in chain.open_at(previous):
        if action.record is review:
            continue
        mentions = mentioned.get(action.id) or (
            [] if ID_TOKEN.fullmatch(action.id) else  # ids like CA-01A: search directly
            [(ln, line) for ln, line in text_lines if _mentions(line, action.id)])
        if not mentions:
            ctx.report(FOLLOW_UP_RULE, review.path, anchor,
                       detail=f"{action.id} was open at the previous review ({previous.id}) "
                              f"but is not followed up in this review",
                       fix=f"Add {action.id} to the previous-actions section with its status "
                           f"(open, in progress, done, overdue, cancelled).")
        elif not any(w in normalize(line) for _, line in mentions for w in words):
            ctx.report(FOLLOW_UP_RULE, review.path, mentions[0][0],
                       detail=f"{action.id} is mentioned without a status",
                       fix=f"State the status of {action.id} (open, in progress, done, overdue, "
                           f"cancelled) on the line that mentions it.")


def _mentions(line: str, identifier: str) -> bool:
    return re.search(rf"(?<![A-Za-z0-9-]){re.escape(identifier)}(?![A-Za-z0-9]|-[A-Za-z0-9])",
                     line) is not None


def _input_ids(review: ManagementReview, decision_lines: set[int]) -> dict[str, int]:
    """Ids mentioned in a review's body outside its decisions section, with first line."""
    found: dict[str, int] = {}
    for line, token in prose_ids(review.body):
        if line not in decision_lines:
            found.setdefault(token, line)
    return found


def _decision_lines(review: ManagementReview) -> set[int]:
    lines: set[int] = set()
    for section in review.sections:
        if " decision" in normalize(section.title) or " outputs " in normalize(section.title):
            lines.update(range(section.line, section.end + 1))
    return lines


def _still_open(repo: Repository, identifier: str) -> bool:
    action = repo.actions.get(identifier)
    if action is not None:
        return not action.is_closed
    record = repo.by_id.get(identifier)
    if record is None:
        return False
    return record.status not in ("closed", "retired", "approved") or any(
        not a.is_closed for a in record.actions)


def _discussion_loop(ctx: Context, repo: Repository, review: ManagementReview,
                     previous: ManagementReview) -> None:
    if LOOP_RULE not in ctx.pack.rules:
        return
    before = _input_ids(previous, _decision_lines(previous))
    now = _input_ids(review, _decision_lines(review))
    decided = " ".join(
        " ".join(str(v) for v in a.data.values() if v is not None) for a in review.actions)
    own = {review.id, previous.id, *(a.id for a in review.actions)}
    for identifier, line in now.items():
        if identifier in own or identifier not in before or not _still_open(repo, identifier):
            continue
        if identifier.startswith(tuple(f"{a.id.rsplit('-', 1)[0]}-" for a in previous.actions)):
            continue  # earlier decisions are followed up by review.previous-actions
        if not _mentions(decided, identifier):
            ctx.report(LOOP_RULE, review.path, line, issue=identifier, previous=previous.id)
