"""`{% discussion_thread target %}`: the comments, questions and follow buttons for any registered target."""

from django import template

from pilotbook.discussion import access, presenters, targets
from pilotbook.discussion.forms import CommentForm, ReplyForm
from pilotbook.discussion.models import Follow

register = template.Library()


@register.inclusion_tag("discussion/thread.html", takes_context=True)
def discussion_thread(context, target):
    request = context["request"]
    user = request.user
    target_type = targets.for_object(target)
    if not target_type.is_open(target):
        return {"open": False}
    can_post = access.may_post(user, target)
    thread = presenters.thread(target, user)
    if can_post:
        for item in thread:
            if not item["hidden"]:
                item["reply_form"] = ReplyForm(prefix=f"reply-{item['comment'].pk}")
    return {
        "open": True,
        "request": request,
        "user": user,
        "csrf_token": context.get("csrf_token"),
        "target": target,
        "slug": target_type.slug,
        "team_label": target_type.team_label,
        "thread": thread,
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
