"""Discussion pages: post, reply, edit (with history), report, moderate, follow, notifications, email
preferences and unsubscribe. Access is decided in pilotbook.discussion.access; writes go through services."""

from __future__ import annotations

from django.contrib import messages
from django.core import signing
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from pilotbook.councils.models import Council
from pilotbook.pilots.choices import InterventionType, ServiceArea
from pilotbook.pilots.models import Pilot
from pilotbook.web.access import sign_in_required

from . import access, mail, markdown, presenters, services, targets
from .forms import CommentForm, EditForm, ModerateForm, PreferenceForm, ReplyForm, ReportForm
from .models import Comment, Follow, ModerationAction, Notification, Report


def _comment_url(comment: Comment) -> str:
    return f"{comment.target.get_absolute_url()}#comment-{comment.pk}"


def _form_page(request, *, form, title: str, button: str, back: str, target, comment=None, lede: str = ""):
    return render(request, "discussion/form_page.html", {
        "form": form, "error_forms": [form], "title": title, "button": button, "back": back, "lede": lede,
        "target_title": targets.for_object(target).title(target),
        "shown": presenters.comment_view(comment, request.user, target) if comment else None,
    })


@require_POST
def comment_create(request, slug: str, pk: int):
    target = access.target_for_posting(request, slug, pk)
    form = CommentForm(request.POST)
    if form.is_valid():
        comment = services.comment_post(target=target, author=request.user, body=form.cleaned_data["body"],
                                        kind=form.cleaned_data["kind"])
        messages.success(request, _("Question posted. The pilot's team has been told.")
                         if comment.kind == "question" else _("Comment posted."))
        return redirect(_comment_url(comment))
    return _form_page(request, form=form, title=_("Comment or ask a question"), button=_("Post"),
                      back=target.get_absolute_url(), target=target)


@require_POST
def comment_reply(request, pk: int):
    parent = access.comment_to_reply_to(request, pk)
    form = ReplyForm(request.POST, prefix=f"reply-{parent.pk}")
    if form.is_valid():
        reply = services.comment_post(target=parent.target, author=request.user, body=form.cleaned_data["body"],
                                      parent=parent)
        messages.success(request, _("Reply posted."))
        return redirect(_comment_url(reply))
    return _form_page(request, form=form, title=_("Reply"), button=_("Post reply"), back=_comment_url(parent),
                      target=parent.target, comment=parent)


def comment_edit(request, pk: int):
    comment = access.editable_comment(request, pk)
    form = EditForm(request.POST or None, initial={"body": comment.body})
    if request.method == "POST" and form.is_valid():
        services.comment_edit(comment=comment, user=request.user, body=form.cleaned_data["body"])
        messages.success(request, _("Your changes are saved."))
        return redirect(_comment_url(comment))
    return _form_page(request, form=form, title=_("Change your comment"), button=_("Save changes"),
                      back=_comment_url(comment), target=comment.target)


def comment_history(request, pk: int):
    comment = access.comment_history(request, pk)
    return render(request, "discussion/history.html", {
        "comment": comment, "back": _comment_url(comment),
        "target_title": targets.for_object(comment.target).title(comment.target),
        "current": presenters.comment_view(comment, request.user, comment.target),
        "versions": [{"version": v, "html": presenters.markdown.render(v.body)}
                     for v in comment.versions.order_by("-replaced_at", "-pk")],
    })


def comment_report(request, pk: int):
    comment = access.visible_comment_or_404(request, pk)
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.comment_report(comment=comment, user=request.user, reason=form.cleaned_data["reason"])
        except services.DiscussionError:
            messages.success(request, _("You had already reported this comment. A moderator will look at it."))
        else:
            messages.success(request, _("Thank you. A moderator will look at the comment."))
        return redirect(_comment_url(comment))
    return _form_page(request, form=form, title=_("Report a comment"), button=_("Send report"),
                      back=_comment_url(comment), target=comment.target, comment=comment,
                      lede=_("Platform moderators will read your report and may hide the comment."))


def comment_moderate(request, pk: int):
    comment = access.moderated_comment(request, pk)
    target = comment.target
    if target is None:
        raise Http404
    form = ModerateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if comment.is_hidden:
            services.comment_restore(comment=comment, moderator=request.user, reason=form.cleaned_data["reason"])
            messages.success(request, _("Comment restored."))
        else:
            services.comment_hide(comment=comment, moderator=request.user, reason=form.cleaned_data["reason"])
            messages.success(request, _("Comment hidden."))
        return redirect(_comment_url(comment))
    hide = not comment.is_hidden
    return _form_page(request, form=form, title=_("Hide a comment") if hide else _("Restore a comment"),
                      button=_("Hide comment") if hide else _("Restore comment"), back=_comment_url(comment),
                      target=target, comment=comment,
                      lede=_("Others will see a note that a moderator hid it; you and other moderators still see "
                             "the text and your reason.") if hide else "")


def moderation_queue(request):
    access.require_report_reader(request)
    reports = Report.objects.filter(closed_at__isnull=True).select_related("comment", "reporter")
    log = ModerationAction.objects.select_related("comment", "moderator")[:50]
    return render(request, "discussion/moderation.html", {"reports": reports, "log": log})


# Following
FOLLOW_LABELS = {
    Follow.Subject.SERVICE_AREA: dict(ServiceArea.choices),
    Follow.Subject.INTERVENTION_TYPE: dict(InterventionType.choices),
}


def follow_label(subject: str, value: str, user) -> str | None:
    """A readable name for a follow, or None if it names nothing this person may follow."""
    if subject in FOLLOW_LABELS:
        return FOLLOW_LABELS[subject].get(value)
    if subject == Follow.Subject.COUNCIL:
        council = Council.objects.filter(code=value).first()
        return council.name if council else None
    if subject == Follow.Subject.PILOT and value.isdigit():
        pilot = Pilot.objects.visible_to(user).filter(pk=int(value)).first()
        return pilot.title if pilot else None
    return None


@sign_in_required
@require_POST
def follow(request):
    subject, value = request.POST.get("subject", ""), request.POST.get("value", "")
    label = follow_label(subject, value, request.user)
    if label is None:
        raise Http404
    if request.POST.get("action") == "unfollow":
        services.follow_remove(user=request.user, subject=subject, value=value)
        messages.success(request, _("You no longer follow %(name)s.") % {"name": label})
    else:
        services.follow_add(user=request.user, subject=subject, value=value)
        messages.success(request, _("You now follow %(name)s.") % {"name": label})
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = "discussion-following"
    return redirect(next_url)


@sign_in_required
def following(request):
    follows = [
        {"follow": f, "label": follow_label(f.subject, f.value, request.user) or _("(no longer available)")}
        for f in request.user.follows.all()
    ]
    followed = {(f.subject, f.value) for f in request.user.follows.all()}
    choices = [
        (subject, heading, [(value, label, (subject, value) in followed) for value, label in options.items()])
        for subject, heading, options in (
            (Follow.Subject.SERVICE_AREA, _("Service areas"), FOLLOW_LABELS[Follow.Subject.SERVICE_AREA]),
            (Follow.Subject.INTERVENTION_TYPE, _("Intervention types"),
             FOLLOW_LABELS[Follow.Subject.INTERVENTION_TYPE]),
        )
    ]
    return render(request, "discussion/following.html", {"follows": follows, "choices": choices})


# Notifications and email
@sign_in_required
def notification_list(request):
    notifications = list(
        Notification.objects.filter(recipient=request.user)
        .select_related("comment__author", "comment__target_type")[:100]
    )
    items = []
    for n in notifications:
        target = n.comment.target
        if target is None or not targets.user_may_see(request.user, target):
            continue
        items.append({"notification": n, "who": presenters.author_label(n.comment, request.user, target),
                      "title": targets.for_object(target).title(target), "url": _comment_url(n.comment),
                      "hidden": n.comment.is_hidden,
                      # As the comment's own page renders it (sanitised Markdown), cut short.
                      "excerpt_html": "" if n.comment.is_hidden else markdown.excerpt_html(n.comment.body, 200)})
    return render(request, "discussion/notifications.html", {
        "items": items, "unread": sum(1 for i in items if i["notification"].read_at is None),
    })


@sign_in_required
@require_POST
def notification_read(request, pk: int | None = None):
    if pk is not None:
        notification = get_object_or_404(Notification, pk=pk, recipient=request.user)
        services.notifications_mark_read(user=request.user, pk=notification.pk)
        return redirect(_comment_url(notification.comment))
    services.notifications_mark_read(user=request.user)
    messages.success(request, _("All notifications marked as read."))
    return redirect("discussion-notifications")


@sign_in_required
def preferences(request):
    form = PreferenceForm(request.POST or None, instance=services.preference_for(request.user))
    if request.method == "POST" and form.is_valid():
        services.preference_update(user=request.user, **form.cleaned_data)
        messages.success(request, _("Your email choices are saved."))
        return redirect("discussion-preferences")
    return render(request, "discussion/preferences.html", {"form": form, "error_forms": [form]})


# No sign-in and no CSRF cookie: the signed token is the authority, and mail programs POST here with nothing
# else (RFC 8058). The link in the email opens a page with one button, so a link scanner's GET changes nothing.
@csrf_exempt
def unsubscribe(request, token: str):
    try:
        user, mailing = mail.read_unsubscribe_token(token)
    except signing.BadSignature:
        return render(request, "discussion/unsubscribe_invalid.html", status=400)
    if request.method == "POST":
        services.unsubscribe(user=user, mailing=mailing)
        return render(request, "discussion/unsubscribe.html", {"done": True, "mailing": mailing})
    return render(request, "discussion/unsubscribe.html", {"done": False, "mailing": mailing})
