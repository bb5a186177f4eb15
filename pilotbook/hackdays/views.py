"""Hack day pages: list, create, the hack day itself, ideas, teams, votes, stages, shortlist, idea to pilot,
iCalendar exports and the sector-wide count of ideas that became pilots."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pilotbook.councils.models import Council
from pilotbook.web.access import require_sign_in

from . import access, ical, selectors, services
from .access import managed_hackday, member_hackday, visible_hackday_or_404
from .forms import HackDayForm, IdeaForm, TeamForm
from .models import HackDay, Stage


def hackday_list(request):
    require_sign_in(request)
    visible = HackDay.objects.visible_to(request.user).select_related("council")
    own = request.user.council_codes()
    return render(request, "hackdays/list.html", {
        "own": [h for h in visible if h.council_id in own],
        "elsewhere": [h for h in visible if h.council_id not in own],
        "feeds": [(m.council, reverse("hackday-council-ics", args=[m.council_id]) + "?"
                   + urlencode({"key": ical.feed_key(request.user, m.council_id)}))
                  for m in request.user.memberships.select_related("council")],
    })


def hackday_create(request):
    councils = access.organiser_councils(request)
    form = HackDayForm(request.POST or None, council_choices=councils)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        code = data.pop("council", councils[0][0])
        data.pop("challenges", None)
        hack_day = services.hackday_create(council=Council.objects.get(pk=code), user=request.user,
                                           challenges=form.challenge_lines(), **data)
        messages.success(request, _("Hack day created. Share this page with your colleagues."))
        return redirect(hack_day)
    return render(request, "hackdays/form_page.html", {
        "form": form, "title": _("Organise a hack day"), "button": _("Create the hack day"),
        "lede": _("Staff of your council will be able to add ideas, form teams and vote. Other councils see the "
                  "hack day once voting has closed.")})


def hackday_detail(request, pk: int):
    return _detail(request, visible_hackday_or_404(request, pk))


def _detail(request, hack_day: HackDay, error: str = ""):
    """The hack day page; an action that could not be done shows it again with the reason (status 409)."""
    user = request.user
    return render(request, "hackdays/detail.html", {
        "error": error,
        "hack_day": hack_day,
        "challenges": hack_day.challenges.all(),
        "outcomes": selectors.idea_outcomes(hack_day, user),
        "teams": hack_day.teams.select_related("idea").prefetch_related("members__user"),
        "is_member": hack_day.is_member(user),
        "can_manage": hack_day.can_manage(user),
        "votes_left": selectors.votes_left(hack_day, user),
        "my_team": selectors.team_of(hack_day, user),
    }, status=409 if error else 200)


def idea_new(request, pk: int):
    hack_day = member_hackday(request, pk)
    form = IdeaForm(request.POST or None, hack_day=hack_day)
    if request.method == "POST" and form.is_valid():
        try:
            services.idea_submit(hack_day=hack_day, user=request.user, **form.cleaned_data)
        except services.HackDayError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Idea added. Thank you."))
            return redirect(hack_day)
    return render(request, "hackdays/form_page.html", {
        "hack_day": hack_day, "form": form, "title": _("Add an idea"), "button": _("Add the idea")})


def team_new(request, pk: int):
    hack_day = member_hackday(request, pk)
    form = TeamForm(request.POST or None, hack_day=hack_day, initial={"idea": request.GET.get("idea")})
    if request.method == "POST" and form.is_valid():
        try:
            team = services.team_form(hack_day=hack_day, user=request.user, **form.cleaned_data)
        except services.HackDayError as exc:
            form.add_error("name", exc.message)
        else:
            messages.success(request, _("You formed the team %(name)s.") % {"name": team.name})
            return redirect(hack_day)
    return render(request, "hackdays/form_page.html", {
        "hack_day": hack_day, "form": form, "title": _("Form a team"), "button": _("Form the team"),
        "lede": _("You join the team you form. You can be in one team at a time at this hack day.")})


def _act(request, back: HackDay, action, done: str, **kwargs):
    """Run one service for a POST button and come back to the hack day (`back`) with its message."""
    try:
        action(user=request.user, **kwargs)
    except services.HackDayError as exc:
        return _detail(request, back, exc.message)
    messages.success(request, done)
    return redirect(back)


@require_POST
def team_join(request, pk: int, team_pk: int):
    hack_day = member_hackday(request, pk)
    team = get_object_or_404(hack_day.teams, pk=team_pk)
    return _act(request, hack_day, services.team_join, _("You joined %(name)s.") % {"name": team.name}, team=team)


@require_POST
def idea_vote(request, pk: int, idea_pk: int):
    hack_day = member_hackday(request, pk)
    idea = get_object_or_404(hack_day.ideas, pk=idea_pk)
    if request.POST.get("action") == "withdraw":
        return _act(request, hack_day, services.vote_withdraw,
                    _("Vote taken back from %(title)s.") % {"title": idea.title}, idea=idea)
    return _act(request, hack_day, services.vote_cast, _("You voted for %(title)s.") % {"title": idea.title},
                idea=idea)


@require_POST
def idea_shortlist(request, pk: int, idea_pk: int):
    hack_day = managed_hackday(request, pk)
    idea = get_object_or_404(hack_day.ideas, pk=idea_pk)
    add = request.POST.get("action") != "remove"
    done = (_("%(title)s is on the shortlist.") if add else _("%(title)s is off the shortlist.")) % {
        "title": idea.title}
    return _act(request, hack_day, services.idea_shortlist, done, idea=idea, shortlisted=add)


def hackday_advance(request, pk: int):
    hack_day = managed_hackday(request, pk)
    if hack_day.stage == Stage.CLOSED:
        return _detail(request, hack_day, _("Voting has already closed."))
    opening = hack_day.stage == Stage.IDEAS
    if request.method == "POST":
        return _act(request, hack_day, services.hackday_advance,
                    _("Voting is open.") if opening else _("Voting has closed."), hack_day=hack_day)
    body = (_("Staff will be able to vote for up to %(n)s ideas each. They can still add ideas while voting "
              "is open.") % {"n": hack_day.votes_per_person} if opening else
            _("Closing voting shows the vote counts, lets you shortlist ideas and shows the hack day to other "
              "councils. It cannot be undone."))
    title = _("Open voting") if opening else _("Close voting")
    return render(request, "hackdays/confirm.html",
                  {"hack_day": hack_day, "title": title, "body": body, "button": title})


def idea_pilot(request, pk: int, idea_pk: int):
    hack_day = managed_hackday(request, pk)
    idea = get_object_or_404(hack_day.ideas, pk=idea_pk)
    if idea.pilot_id:
        return redirect(idea.pilot)
    if request.method == "POST":
        try:
            pilot = services.idea_create_pilot(idea=idea, user=request.user)
        except services.HackDayError as exc:
            return _detail(request, hack_day, exc.message)
        messages.success(request, _("Pilot draft created from the idea. Finish its plan, then register it."))
        return redirect(pilot)
    return render(request, "hackdays/confirm.html", {
        "hack_day": hack_day, "idea": idea, "title": _("Make this idea a pilot"),
        "body": _("This creates a pilot draft for %(council)s with the idea's problem, change and expected "
                  "benefit filled in. You then finish the plan and register it before the pilot starts.")
        % {"council": hack_day.council.name},
        "button": _("Create the pilot draft")})


def _ics(body: str, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def hackday_ics(request, pk: int):
    hack_day = visible_hackday_or_404(request, pk)
    return _ics(ical.calendar([hack_day], hack_day.title), f"hack-day-{hack_day.pk}.ics")


def council_ics(request, code: str):
    """A council's hack days that this person may see, as one calendar to subscribe to.

    A calendar app cannot sign in, so the link the hack days page gives carries the person's feed key.
    """
    council = get_object_or_404(Council, pk=code.upper())
    user = access.calendar_reader(request, council, request.GET.get("key"))
    hack_days = (HackDay.objects.visible_to(user).filter(council=council)
                 .select_related("council").prefetch_related("challenges"))
    name = _("%(council)s hack days") % {"council": council.name}
    return _ics(ical.calendar(hack_days, name), f"{slugify(council.name)}-hack-days.ics")


def impact(request):
    """Sector-wide: how many hack-day ideas became pilots, and how many of those worked (public)."""
    return render(request, "hackdays/impact.html", {"counts": selectors.sector_counts(request.user)})
