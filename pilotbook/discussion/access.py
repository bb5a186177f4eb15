"""Who may read, post, edit, report and moderate in a discussion; every discussion view asks here.

- reading a thread: whoever may see its target (for pilots, Pilot.objects.visible_to);
- posting and replying: signed-in council members, on targets they may see that are open (published pilots,
  never drafts);
- editing: the author, until a moderator hides the comment; the edit history: the author and moderators;
- reporting: any signed-in person who may see the comment;
- hiding and restoring, and seeing hidden text: platform moderators.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from pilotbook.web.access import is_moderator, require_moderator, require_sign_in

from . import targets
from .models import Comment


def may_post(user, target) -> bool:
    return (user.is_authenticated and bool(user.council_codes()) and targets.for_object(target).is_open(target)
            and targets.user_may_see(user, target))


def may_edit(user, comment: Comment) -> bool:
    return user.is_authenticated and comment.author_id == user.pk and not comment.is_hidden


def may_see_history(user, comment: Comment) -> bool:
    return user.is_authenticated and (comment.author_id == user.pk or is_moderator(user))


def may_moderate(user) -> bool:
    return is_moderator(user)


def target_for_posting(request, slug: str, pk: int):
    """The target a new comment is for: 404 if this person may not see it, 403 if they may not post on it."""
    require_sign_in(request)
    target_type = targets.by_slug(slug)
    target = get_object_or_404(target_type.visible(request.user), pk=pk)
    if not may_post(request.user, target):
        raise PermissionDenied(_("Only council members can comment, and only on published pilots."))
    return target


def visible_comment_or_404(request, pk: int) -> Comment:
    """A comment whose target this person may see (a comment on a pilot you may not see does not exist)."""
    require_sign_in(request)
    comment = get_object_or_404(Comment.objects.select_related("target_type", "author", "parent"), pk=pk)
    target = comment.target
    if target is None or not targets.user_may_see(request.user, target):
        raise Http404
    return comment


def comment_to_reply_to(request, pk: int) -> Comment:
    comment = visible_comment_or_404(request, pk)
    if comment.parent_id or comment.is_hidden or not may_post(request.user, comment.target):
        raise PermissionDenied(_("You cannot reply to this comment."))
    return comment


def editable_comment(request, pk: int) -> Comment:
    comment = visible_comment_or_404(request, pk)
    if not may_edit(request.user, comment):
        raise PermissionDenied(_("Only the author can change a comment, and not once a moderator has hidden it."))
    return comment


def comment_history(request, pk: int) -> Comment:
    comment = visible_comment_or_404(request, pk)
    if not may_see_history(request.user, comment):
        raise PermissionDenied(_("Only the author and moderators can see earlier versions."))
    return comment


def moderated_comment(request, pk: int) -> Comment:
    require_moderator(request, _("Only platform moderators can hide comments."))
    return get_object_or_404(Comment.objects.select_related("target_type", "author"), pk=pk)


def require_report_reader(request) -> None:
    require_moderator(request, _("Only platform moderators can see reports."))
