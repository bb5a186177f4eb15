"""How a comment is shown to one viewer: who wrote it (never revealing a withheld council), its team mark,
its text or the moderation placeholder, and the actions open to the viewer; and the thread under a page, which the
pages' owners show as a section (pilotbook.web.sections: discussion fills the pilot page's, pilotbook.site those
of pooled groups and materials)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from . import access, markdown, targets
from .forms import CommentForm, ReplyForm
from .models import Comment, Follow, Kind


def council_withheld_from(viewer, target) -> bool:
    """Whether the target's pilot (the pilot itself, or the one a material belongs to) withholds its council's
    name from this viewer (Pilot.council_shown_to)."""
    pilot = targets.for_object(target).pilot_of(target)
    return pilot is not None and not pilot.council_shown_to(viewer)


def author_label(comment: Comment, viewer, target) -> str:
    if comment.from_team and council_withheld_from(viewer, target):
        # The name or council of a team member would give away a council that chose to withhold its name.
        return _("A member of the pilot's team")
    councils = ", ".join(m.council.name for m in comment.author.memberships.all())
    return f"{comment.author.full_name} ({councils})" if councils else comment.author.full_name


def team_mark(comment: Comment, target) -> str:
    if not comment.from_team:
        return ""
    team = targets.for_object(target).team_label
    if comment.is_answer:
        return _("Answer from %(team)s") % {"team": team}
    return _("From %(team)s") % {"team": team}


def comment_view(comment: Comment, viewer, target, *, replies: list | None = None) -> dict:
    moderator = access.may_moderate(viewer)
    return {
        "comment": comment,
        "id": f"comment-{comment.pk}",
        "is_question": comment.kind == Kind.QUESTION and not comment.parent_id,
        "author": author_label(comment, viewer, target),
        "team_mark": team_mark(comment, target),
        "hidden": comment.is_hidden,
        # Hidden text reaches only moderators, with the reason and who hid it.
        "body_html": markdown.render(comment.body) if (not comment.is_hidden or moderator) else "",
        "moderator_view": moderator,
        "edited": comment.edited_at is not None,
        "can_edit": access.may_edit(viewer, comment),
        "can_see_history": comment.edited_at is not None and access.may_see_history(viewer, comment),
        "can_report": viewer.is_authenticated and comment.author_id != viewer.pk and not comment.is_hidden,
        "replies": replies or [],
    }


def thread(target, viewer) -> list[dict]:
    """Top-level comments, oldest first, each with its replies."""
    comments = list(
        Comment.objects.for_target(target)
        .select_related("author", "parent", "hidden_by")
        .prefetch_related("author__memberships__council")
    )
    replies: dict[int, list[Comment]] = {}
    for comment in comments:
        if comment.parent_id:
            replies.setdefault(comment.parent_id, []).append(comment)
    return [
        comment_view(c, viewer, target, replies=[comment_view(r, viewer, target) for r in replies.get(c.pk, [])])
        for c in comments if not c.parent_id
    ]


def thread_section(target, request) -> dict:
    """The discussion under a page (a section of a pilotbook.web.sections page: discussion/thread.html): the
    comments, questions and follow buttons for any registered target, for the person reading."""
    user = request.user
    target_type = targets.for_object(target)
    if not target_type.is_open(target):
        return {"open": False}
    can_post = access.may_post(user, target)
    items = thread(target, user)
    if can_post:
        for item in items:
            if not item["hidden"]:
                item["reply_form"] = ReplyForm(prefix=f"reply-{item['comment'].pk}")
    return {
        "open": True,
        "request": request,
        "user": user,
        "target": target,
        "slug": target_type.slug,
        "team_label": target_type.team_label,
        "thread": items,
        "can_post": can_post,
        "form": CommentForm() if can_post else None,
        "follow_options": follow_options(user, target, target_type) if user.is_authenticated else [],
        "path": request.get_full_path(),
    }


def follow_options(user, target, target_type) -> list[dict]:
    followed = set(user.follows.values_list("subject", "value"))
    keys = target_type.follow_keys(target)
    # The councils' names, asked for once (a council key's label is its council's name).
    councils = ({council.pk: council.name for council in target.all_councils()}
                if any(subject == Follow.Subject.COUNCIL for subject, _value in keys) else {})
    return [{"subject": subject, "value": value, "label": _follow_label(subject, value, target, councils),
             "following": (subject, value) in followed} for subject, value in keys]


def _follow_label(subject: str, value: str, target, councils: dict[str, str]) -> str:
    if subject == Follow.Subject.PILOT:
        return "this pilot"
    if subject == Follow.Subject.SERVICE_AREA:
        return target.get_service_area_display()
    if subject == Follow.Subject.INTERVENTION_TYPE:
        return target.get_intervention_type_display()
    return councils[value]
