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
    options = []
    for subject, value in target_type.follow_keys(target):
        label = _follow_label(subject, value, target)
        options.append({"subject": subject, "value": value, "label": label, "following": (subject, value) in followed})
    return options


def _follow_label(subject: str, value: str, target) -> str:
    if subject == Follow.Subject.PILOT:
        return "this pilot"
    if subject == Follow.Subject.SERVICE_AREA:
        return target.get_service_area_display()
    if subject == Follow.Subject.INTERVENTION_TYPE:
        return target.get_intervention_type_display()
    return next(council.name for council in target.all_councils() if council.pk == value)
