"""The first registration page and its "has this been tried" step: before a draft is saved, the idea is checked
against the evidence base for similar pilots at other councils. It combines pilots and evidence, so it lives above
both (ADR 0017); its URL and name are the registry's own (pilot-create)."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from pilotbook.councils.models import Council
from pilotbook.evidence.selectors import pooled_for, suggestions_for
from pilotbook.pilots import services
from pilotbook.pilots.forms import STEPS, CouncilChoiceForm, IdeaForm, form_fields
from pilotbook.web.access import sign_in_required

IDEA_DRAFT = "pilotbook_idea_draft"  # what was typed on the first page when they checked for similar pilots



@sign_in_required
def pilot_create(request):
    councils = list(Council.objects.filter(memberships__user=request.user).order_by("name"))
    if not councils:
        raise PermissionDenied(
            _("Only members of a council can register pilots. Ask your council admin to invite you.")
        )
    council_form = CouncilChoiceForm(request.POST or None, councils=councils) if len(councils) > 1 else None
    form = IdeaForm(request.POST or None)
    suggestions, pooled, dismissed_matches = None, [], 0
    checking = request.method == "POST" and "check" in request.POST
    if checking and not any(request.POST.get(name, "").strip() for name in ("title", "problem", "change")):
        form.is_valid()  # nothing to check yet: the questions' own messages say what to fill in
        council_form = None if council_form is None else CouncilChoiceForm(initial=request.POST.dict(),
                                                                           councils=councils)
    elif checking or (request.method == "GET" and request.GET.get("checked") and IDEA_DRAFT in request.session):
        # "Before you start": show similar pilots at other councils; nothing is saved until they continue. What
        # they typed is kept in their session, so dismissing a suggestion comes back to it (?checked=1).
        if checking:
            request.session[IDEA_DRAFT] = {name: request.POST.get(name, "")
                                           for name in [*form.fields, "council"] if name in request.POST}
        typed = request.session[IDEA_DRAFT]
        text = " ".join(typed.get(name, "") for name in ("title", "problem", "change")).strip()
        suggestions, dismissed_matches = suggestions_for(
            request, text, exclude_council=councils[0] if len(councils) == 1 else None)
        pooled = pooled_for(request, suggestions)
        form = IdeaForm(initial=typed)
        if council_form is not None:
            council_form = CouncilChoiceForm(initial=typed, councils=councils)
    elif request.method == "POST" and form.is_valid() and (council_form is None or council_form.is_valid()):
        council = councils[0] if council_form is None else Council.objects.get(pk=council_form.cleaned_data["council"])
        pilot = services.pilot_create_draft(council=council, user=request.user, **form_fields(form))
        request.session.pop(IDEA_DRAFT, None)
        return redirect("pilot-step", pk=pilot.pk, slug=STEPS[1].slug)
    return render(
        request,
        "site/register_idea.html",
        {"form": form, "council_form": council_form, "error_forms": [council_form, form], "step": STEPS[0],
         "step_number": 1, "step_count": len(STEPS), "pilot": None, "suggestions": suggestions, "pooled": pooled,
         "dismissed_matches": dismissed_matches,
         "dismiss_next": reverse("pilot-create") + "?checked=1"},
    )
