"""How a comment is shown to one viewer: who wrote it (never revealing a withheld council), its team mark,
its text or the moderation placeholder, and the actions open to the viewer; and the thread under a page, which the
pages' owners show as a section (pilotbook.web.sections: discussion fills the pilot page's, pilotbook.site those
of pooled groups and materials)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from functools import cache
from urllib.parse import quote

from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from pilotbook.web import pagecache

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


def actions(comment: Comment, viewer) -> dict:
    """What this viewer may do with the comment: change it (its author), read its earlier versions (its author and
    moderators), report it (anyone signed in but its author) and hide or restore it (moderators)."""
    return {
        "can_edit": access.may_edit(viewer, comment),
        "can_see_history": comment.edited_at is not None and access.may_see_history(viewer, comment),
        "can_report": viewer.is_authenticated and comment.author_id != viewer.pk and not comment.is_hidden,
        "moderator_view": access.may_moderate(viewer),
    }


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
        "edited": comment.edited_at is not None,
        **actions(comment, viewer),
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
    """The discussion under a page (a section of a pilotbook.web.sections page: discussion/section.html): the
    comments, questions and follow buttons for any registered target, for the person reading (discussion_html)."""
    if not targets.for_object(target).is_open(target):
        return {"open": False}
    return {"open": True, "discussion": discussion_html(request, target)}


# A rendered discussion holds slots, each between two copies of a marker made at random when it is rendered (so no
# comment's text can contain it): the reader's CSRF token, the page's address, and for each comment and each "follow"
# choice a pair of renderings, one of which is the reader's (their own comment or another's; followed or not).
CSRF_SLOT, PATH_SLOT, NEXT_SLOT = "csrf", "path", "next"


@dataclass(frozen=True)
class Choice:
    kind: str  # "author": the reader wrote the comment (key: its author's pk); "follow": the reader follows the key
    key: object
    chosen: tuple[str, ...]  # parts (text, slot, text, ..., text) if so
    otherwise: tuple[str, ...]  # parts if not


@dataclass(frozen=True)
class RenderedDiscussion:
    parts: tuple[str, ...]  # text, slot, text, slot, ..., text
    choices: dict[str, Choice]  # slot -> the renderings one of which each reader is shown


def discussion_html(request, target) -> str:
    """The discussion (discussion/thread.html) as `request.user` is shown it.

    Everything in it but the CSRF token, the page's address, the actions on one's own comments and whether one
    follows each choice is the same for everyone who is alike in what the discussion's rules look at: signed in or
    not, a moderator (hidden text with its reason, the moderation links, every earlier version) or not, shown the
    council of the target's pilot (a team member's name) or not, allowed to post (the forms) or not, and a member
    of a council or not. So it is rendered once per data version for each such audience (pilotbook.web.pagecache:
    a new comment, an edit, hiding one, a new member's name all change the version), and only those parts are
    filled in for the person reading: what they follow is read for them (one query) when they are signed in.
    """
    user = request.user
    can_post = access.may_post(user, target)
    audience = {
        "signed_in": bool(user.is_authenticated),
        "moderator": access.may_moderate(user),
        "council_withheld": council_withheld_from(user, target),
        "can_post": can_post,
        "member": bool(user.is_authenticated and user.council_codes()),
    }
    target_type = targets.for_object(target)
    rendered = pagecache.cached(request, "discussion", (target_type.slug, target.pk, sorted(audience.items())),
                                build=lambda: _render_discussion(target, user, audience))
    followed = set(user.follows.values_list("subject", "value")) if user.is_authenticated else set()
    path = request.get_full_path()
    # One masked CSRF token for every form in the discussion, as one template's {% csrf_token %} gives (each
    # get_token masks the secret anew: eight forms made eight, a tenth of an officer's pilot page's CPU).
    values = {CSRF_SLOT: cache(lambda: get_token(request)), PATH_SLOT: lambda: path, NEXT_SLOT: lambda: quote(path)}

    def fill(parts: tuple[str, ...]) -> str:
        out = []
        for index, part in enumerate(parts):
            if index % 2 == 0:
                out.append(part)
            elif part in values:
                out.append(escape(values[part]()))
            else:
                choice = rendered.choices[part]
                if choice.kind == "author":
                    yes = user.is_authenticated and choice.key == user.pk
                else:
                    yes = choice.key in followed
                out.append(fill(choice.chosen if yes else choice.otherwise))
        return "".join(out)

    return mark_safe(fill(rendered.parts))  # noqa: S308 - rendered by the templates, each value filled in escaped


class _Reader:
    """Someone in the reader's audience who did, or did not, write a comment: whose actions on it are shown."""

    is_authenticated = True

    def __init__(self, pk: int | None, moderator: bool):
        self.pk = pk
        self.is_moderator = moderator


def _render_discussion(target, viewer, audience: dict) -> RenderedDiscussion:
    marker = f"~{secrets.token_hex(16)}~"

    def slot(name: str) -> str:
        return mark_safe(f"{marker}{name}{marker}")  # noqa: S308 - a slot's name, filled in for each reader

    def split(html: str) -> tuple[str, ...]:
        return tuple(html.split(marker))

    slots = {"csrf_token": slot(CSRF_SLOT), "path": slot(PATH_SLOT), "next": slot(NEXT_SLOT)}
    target_type = targets.for_object(target)
    choices: dict[str, Choice] = {}
    items = thread(target, viewer)
    for item in [*items, *(reply for top in items for reply in top["replies"])]:
        comment = item["comment"]
        item["actions"] = ""  # nobody signed out may act on a comment
        if audience["signed_in"]:
            mine, others = (
                split(render_to_string("discussion/includes/comment_actions.html", {
                    "item": {**item, **actions(comment, _Reader(pk, audience["moderator"]))}}))
                for pk in (comment.author_id, None))
            name = f"author:{comment.pk}"
            choices[name] = Choice("author", comment.author_id, mine, others)
            item["actions"] = slot(name)
        if audience["can_post"] and not item["hidden"] and not comment.parent_id:
            item["reply_form"] = ReplyForm(prefix=f"reply-{comment.pk}")
    follows = []
    if audience["signed_in"]:
        for number, option in enumerate(follow_choices(target, target_type)):
            followed, not_followed = (
                split(render_to_string("discussion/includes/follow_option.html",
                                       {"option": {**option, "following": following}, **slots}))
                for following in (True, False))
            name = f"follow:{number}"
            choices[name] = Choice("follow", (option["subject"], option["value"]), followed, not_followed)
            follows.append(slot(name))
    html = render_to_string("discussion/thread.html", {
        **audience, **slots, "target": target, "slug": target_type.slug, "thread": items, "follow_options": follows,
        "form": CommentForm() if audience["can_post"] else None,
    })
    return RenderedDiscussion(split(html), choices)


def follow_choices(target, target_type) -> list[dict]:
    """What can be followed from the target's page (subject, value and label), the same for everyone."""
    keys = target_type.follow_keys(target)
    # The councils' names, asked for once (a council key's label is its council's name).
    councils = ({council.pk: council.name for council in target.all_councils()}
                if any(subject == Follow.Subject.COUNCIL for subject, _value in keys) else {})
    return [{"subject": subject, "value": value, "label": _follow_label(subject, value, target, councils)}
            for subject, value in keys]


def _follow_label(subject: str, value: str, target, councils: dict[str, str]) -> str:
    if subject == Follow.Subject.PILOT:
        return "this pilot"
    if subject == Follow.Subject.SERVICE_AREA:
        return target.get_service_area_display()
    if subject == Follow.Subject.INTERVENTION_TYPE:
        return target.get_intervention_type_display()
    return councils[value]
