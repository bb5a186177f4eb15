"""Council pages, council outlines for maps, the council team (members and invitations) and accepting an
invitation."""

from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import condition, require_safe

from pilotbook.pilots.models import Pilot
from pilotbook.pilots.presenters import status_tag_class

from . import access, boundaries, services
from .forms import AcceptInvitationForm, CouncilFilterForm, InvitationForm
from .models import Council, Invitation


def council_list(request):
    nations = Council.objects.order_by("nation").values_list("nation", flat=True).distinct()
    form = CouncilFilterForm(request.GET or None, nations=nations)
    councils = Council.objects.all()
    include_former = False
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        include_former = data["include_former"]
        if data["q"]:
            councils = councils.filter(
                Q(name__icontains=data["q"]) | Q(official_name__icontains=data["q"]) | Q(code__iexact=data["q"])
            )
        if data["nation"]:
            councils = councils.filter(nation=data["nation"])
    if not include_former:
        councils = councils.filter(end_date__isnull=True)
    visible = Pilot.objects.visible_to(request.user).identifiable_by(request.user).values("pk")
    # Its own pilots and the case studies it ran together with other councils (a pilot is never both).
    own = (Pilot.objects.filter(pk__in=visible, council=OuterRef("pk")).order_by().values("council")
           .annotate(n=Count("pk")).values("n"))
    joint = (Pilot.joint_councils.through.objects.filter(pilot__in=visible, council=OuterRef("pk")).order_by()
             .values("council").annotate(n=Count("pk")).values("n"))
    councils = councils.annotate(pilot_count=Coalesce(Subquery(own), 0) + Coalesce(Subquery(joint), 0)).order_by(
        "name")
    page = Paginator(councils, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "councils/list.html",
                  {"form": form, "error_forms": [form], "page": page, "query": query.urlencode()})


OUTLINE_MAX_AGE = 24 * 60 * 60  # a day; then the browser asks again with the ETag and gets a 304 if unchanged
NO_OUTLINE_MAX_AGE = 5 * 60


def _outline_etag(request, code: str) -> str | None:
    return f"{boundaries.load().version}-{code.upper()}" if boundaries.has_outline(code) else None


@require_safe
@condition(etag_func=_outline_etag)
def council_outline(request, code: str):
    """The council's outline as a GeoJSON Feature (public ONS boundaries, with their attribution), for maps.
    Read from the vendored file, never the database; the same for everyone, so shared caches may keep it."""
    found = boundaries.boundary(code)
    if found is None:
        response = JsonResponse({"error": _("Pilotbook has no outline for a council with the code %(code)s.")
                                 % {"code": code.upper()[:10]}}, status=404)
        patch_cache_control(response, public=True, max_age=NO_OUTLINE_MAX_AGE)
        return response
    response = HttpResponse(found.feature_json, content_type="application/geo+json")
    patch_cache_control(response, public=True, max_age=OUTLINE_MAX_AGE)
    return response


def _ran_with(pilot: Pilot, council: Council) -> list[str]:
    """Who else ran a case study this council ran with other councils or an organisation."""
    others = [other.name for other in pilot.all_councils() if other.pk != council.pk]
    return [*others, pilot.organisation_text] if pilot.organisation else others


def council_detail(request, code: str):
    council = get_object_or_404(Council, pk=code.upper())
    pilots = (Pilot.objects.visible_to(request.user).identifiable_by(request.user)
              .of_councils(Council.objects.filter(pk=council.pk)))
    pilots = pilots.select_related("council", "result").prefetch_related("joint_councils")
    is_member = access.is_member(request.user, council)
    return render(request, "councils/detail.html", {
        "council": council,
        "pilots": [{"pilot": p, "status_tag": status_tag_class(p.status),
                    "others": _ran_with(p, council),
                    "verdict": p.result.get_verdict_display() if hasattr(p, "result") and p.result_shown_to(
                        request.user) else ""} for p in pilots],
        "is_member": is_member,
        "successors": council.successors.all(),
        "predecessors": council.predecessors.all(),
    })


def council_team(request, code: str):
    council = access.team_council(request, code)
    is_admin = services.is_council_admin(request.user, council)
    form = InvitationForm(request.POST or None) if is_admin else None
    if request.method == "POST":
        access.require_council_admin(request, council)
        if form.is_valid():
            try:
                invitation = services.invitation_create(council=council, invited_by=request.user, **form.cleaned_data)
            except ValidationError as exc:
                form.add_error("email", exc.messages[0])
            else:
                messages.success(request, _("Invitation sent to %(email)s.") % {"email": invitation.email})
                return redirect("council-team", code=council.code)
    return render(request, "councils/team.html", {
        "council": council, "form": form, "error_forms": [form],
        "memberships": council.memberships.select_related("user").order_by("user__full_name"),
        "invitations": [i for i in council.invitations.all() if i.is_open] if is_admin else [],
        "is_admin": is_admin,
    })


def invitation_accept(request, token: str):
    invitation = get_object_or_404(Invitation.objects.select_related("council"), token=token)
    if not invitation.is_open:
        return render(request, "councils/invitation_closed.html", {"invitation": invitation}, status=410)
    user = request.user if request.user.is_authenticated else None
    form = None if user else AcceptInvitationForm(request.POST or None, email=invitation.email)
    error = None
    if request.method == "POST" and (user or form.is_valid()):
        try:
            if user:
                services.invitation_accept(invitation=invitation, user=user)
            else:
                user = services.invitation_accept(invitation=invitation, full_name=form.cleaned_data["full_name"],
                                                  password=form.cleaned_data["password1"])
                login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        except ValidationError as exc:
            error = exc.messages[0]
        else:
            messages.success(request, _("You have joined %(council)s.") % {"council": invitation.council})
            return redirect("dashboard")
    return render(request, "councils/invitation_accept.html",
                  {"invitation": invitation, "form": form, "error_forms": [form], "error": error})
