"""Browsing and filtering the pilots a person may see, and their council dashboard."""

from datetime import timedelta

from django import forms
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pilotbook.api.records import LICENCE_NAME, LICENCE_URL
from pilotbook.councils.models import Council
from pilotbook.evidence.search import MAX_QUERY_LENGTH, QUERY_TOO_LONG
from pilotbook.pilots import presenters
from pilotbook.pilots.choices import Design, InterventionType, ServiceArea, Status
from pilotbook.pilots.models import Pilot
from pilotbook.web.access import is_moderator, sign_in_required
from pilotbook.web.forms import GovukFormMixin

PAGE_SIZE = 20


def _with_any(choices):
    return [("", _("Any")), *choices]


class PilotFilterForm(GovukFormMixin, forms.Form):
    q = forms.CharField(label=_("Words in the title, problem or change"), required=False,
                        max_length=MAX_QUERY_LENGTH, error_messages={"max_length": _(QUERY_TOO_LONG)})
    service_area = forms.ChoiceField(label=_("Service area"), required=False, choices=_with_any(ServiceArea.choices))
    intervention_type = forms.ChoiceField(label=_("Intervention type"), required=False,
                                          choices=_with_any(InterventionType.choices))
    design = forms.ChoiceField(label=_("Design"), required=False, choices=_with_any(Design.choices))
    status = forms.ChoiceField(label=_("Status"), required=False, choices=_with_any(Status.choices))
    nation = forms.ChoiceField(label=_("Nation"), required=False)
    council = forms.ChoiceField(label=_("Council"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        nations = Council.objects.order_by("nation").values_list("nation", flat=True).distinct()
        self.fields["nation"].choices = _with_any([(n, n) for n in nations])
        # Councils with a pilot this person may see and may know the council of (or a case study it ran together
        # with others): listing a council whose only pilots are drafts or published with its name withheld would
        # tell which council that is.
        pilots = Pilot.objects.visible_to(user).identifiable_by(user)
        joint = Pilot.joint_councils.through.objects.filter(pilot__in=pilots.values("pk")).values("council_id")
        with_pilots = Council.objects.filter(Q(pk__in=pilots.values("council_id")) | Q(pk__in=joint)).order_by("name")
        self.fields["council"].choices = _with_any([(c.code, c.name) for c in with_pilots])

    def filter(self, queryset, user):
        data = self.cleaned_data
        if data.get("q"):
            words = data["q"].split()
            for word in words[:10]:
                queryset = queryset.filter(
                    Q(title__icontains=word) | Q(problem__icontains=word) | Q(change__icontains=word)
                )
        for name in ("service_area", "intervention_type", "design", "status"):
            if data.get(name):
                queryset = queryset.filter(**{name: data[name]})
        if data.get("nation") or data.get("council"):
            queryset = queryset.identifiable_by(user)  # a withheld name cannot be found out by filtering
        if data.get("nation"):  # a case study several councils ran is found under each council and its nation
            queryset = queryset.of_councils(Council.objects.filter(nation=data["nation"]))
        if data.get("council"):
            queryset = queryset.of_councils(Council.objects.filter(pk=data["council"]))
        return queryset


def pilot_list(request):
    form = PilotFilterForm(request.GET or None, user=request.user)
    pilots = (Pilot.objects.visible_to(request.user).select_related("council", "result")
              .prefetch_related("joint_councils").order_by("-updated_at"))
    if form.is_bound and form.is_valid():
        pilots = form.filter(pilots, request.user)
    page = Paginator(pilots, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    for name in [name for name in query if name not in form.fields]:  # the page number, and any stray parameter
        del query[name]  # the exports refuse a parameter that is not a filter, so the links carry only filters
    return render(request, "pilots/list.html", {
        "form": form, "error_forms": [form] if form.is_bound else [], "page": page,
        "rows": [_row(pilot, request.user) for pilot in page], "query": query.urlencode(),
        "licence_name": LICENCE_NAME, "licence_url": LICENCE_URL,
    })


def _row(pilot, user):
    result = getattr(pilot, "result", None) if pilot.result_shown_to(user) else None
    return {
        "pilot": pilot,
        "status_tag": presenters.status_tag_class(pilot.status),
        "verdict": result.get_verdict_display() if result else None,
        "verdict_tag": presenters.verdict_tag_class(result.verdict) if result else None,
    }


def moderation_work() -> dict:
    """What waits for a platform moderator, most urgent first: reported comments (they stay on the page until a
    moderator looks) and overdue entries councils have flagged as wrong."""
    from pilotbook.discussion.models import Report
    from pilotbook.overdue.selectors import open_flags

    return {"reports": Report.objects.filter(closed_at__isnull=True).count(), "flags": open_flags().count()}


@sign_in_required
def dashboard(request):
    """Your council's pilots and what each needs next, soonest first; for a moderator, their moderation work
    first (where a moderator lands after signing in, as everyone does)."""
    memberships = request.user.memberships.select_related("council")
    today = timezone.localdate()
    councils = []
    for membership in memberships:
        pilots = list(membership.council.pilots.select_related("result").order_by("title"))
        councils.append({
            "membership": membership,
            "rows": [_row(pilot, request.user) for pilot in pilots],
            "due": sorted(_due_items(pilots, today), key=lambda item: item["date"]),
        })
    work = moderation_work() if is_moderator(request.user) else None
    return render(request, "pilots/dashboard.html", {"councils": councils, "today": today, "moderation": work})


def _due_items(pilots, today):
    soon = today + timedelta(days=28)
    for pilot in pilots:
        if pilot.status == Status.DRAFT:
            yield {"pilot": pilot, "date": pilot.start_date or today, "what": _("Finish and register the plan"),
                   "overdue": bool(pilot.start_date and pilot.start_date < today)}
        elif pilot.status == Status.REGISTERED and pilot.start_date:
            yield {"pilot": pilot, "date": pilot.start_date, "what": _("Start the pilot"),
                   "overdue": pilot.start_date < today}
        elif pilot.status == Status.RUNNING and pilot.results_due_date:
            if pilot.end_date and pilot.end_date >= today:
                yield {"pilot": pilot, "date": pilot.end_date, "what": _("The pilot ends"), "overdue": False}
            else:
                yield {"pilot": pilot, "date": pilot.results_due_date, "what": _("Record the result"),
                       "overdue": pilot.results_due_date < today, "soon": pilot.results_due_date <= soon}
        elif pilot.status == Status.RESULTS_RECORDED:
            yield {"pilot": pilot, "date": pilot.results_due_date or today, "what": _("Publish the result"),
                   "overdue": bool(pilot.results_due_date and pilot.results_due_date < today)}
