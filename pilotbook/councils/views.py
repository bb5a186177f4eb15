"""Council outlines for maps, the council team (members and invitations) and accepting an invitation. The list of
councils and a council's page count and list pilots, so they are in pilotbook.site (ADR 0017)."""

from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import condition, require_safe

from . import access, boundaries, services
from .forms import AcceptInvitationForm, InvitationForm
from .models import Invitation

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
