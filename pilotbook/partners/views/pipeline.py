"""The partnership pipeline: a board and a list per council, adding a partnership, moving it along
(a plain form: no JavaScript needed), and reviewing it."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pilotbook.partners import presenters, services
from pilotbook.partners.access import changeable_partner, changeable_partnership, readable_council, readable_partnership
from pilotbook.partners.choices import STAGE_ORDER, Stage
from pilotbook.partners.forms import MoveForm, PartnershipForm, ReviewForm
from pilotbook.partners.models import Partnership, can_change_council


def _partnerships(council):
    return (Partnership.objects.filter(partner__council=council)
            .select_related("partner__sector", "owner", "review").order_by("next_step_date", "partner__name"))


def _card(partnership):
    upcoming = services.next_stage(partnership.stage)
    return {"p": partnership, "tag": presenters.stage_tag_class(partnership.stage),
            "next_stage": upcoming, "next_label": Stage(upcoming).label if upcoming else None}


def pipeline(request, code: str, view: str = "board"):
    council = readable_council(request, code)
    cards = [_card(p) for p in _partnerships(council)]
    columns = [{"stage": stage, "label": stage.label, "cards": [c for c in cards if c["p"].stage == stage]}
               for stage in STAGE_ORDER]
    return render(request, f"partners/pipeline_{view}.html", {
        "council": council, "columns": columns, "cards": cards,
        "can_change": can_change_council(request.user, council.code),
    })


def partnership_detail(request, code: str, pk: int):
    partnership = readable_partnership(request, code, pk)
    # The page names the partnership's council, so a pilot published with that name withheld is left out.
    pilots = (partnership.pilots.visible_to(request.user).identifiable_by(request.user)
              .select_related("council", "result"))
    return render(request, "partners/partnership_detail.html", {
        "council": partnership.partner.council, "card": _card(partnership), "partnership": partnership,
        "review": getattr(partnership, "review", None), "pilots": pilots,
        "repeat_tag": presenters.REPEAT_TAG.get(getattr(getattr(partnership, "review", None), "would_repeat", "")),
        "can_change": partnership.can_change(request.user),
    })


def partnership_create(request, code: str, pk: int):
    partner = changeable_partner(request, code, pk)
    form = PartnershipForm(request.POST or None, council=partner.council)
    if request.method == "POST" and form.is_valid():
        partnership = services.partnership_create(partner=partner, **form.cleaned_data)
        messages.success(request, _("Partnership with %(name)s added to the pipeline.") % {"name": partner.name})
        return redirect(partnership)
    return render(request, "partners/form_page.html", {
        "council": partner.council, "form": form, "error_forms": [form],
        "title": _("Start a partnership with %(name)s") % {"name": partner.name}, "lede": "",
        "button": _("Add to the pipeline"), "back": partner.council.code})


def partnership_move(request, code: str, pk: int):
    partnership = changeable_partnership(request, code, pk)
    council = partnership.partner.council
    initial = {"stage": services.next_stage(partnership.stage) or partnership.stage, "owner": partnership.owner,
               "next_step": partnership.next_step, "next_step_date": partnership.next_step_date}
    form = MoveForm(request.POST or None, initial=initial, council=council)
    if request.method == "POST" and form.is_valid():
        services.partnership_move(partnership=partnership, **form.cleaned_data)
        messages.success(request, _("%(name)s is now at %(stage)s.") % {
            "name": partnership.partner.name, "stage": Stage(form.cleaned_data["stage"]).label})
        return redirect("partner-pipeline", code=council.code)
    return render(request, "partners/form_page.html", {
        "council": council, "form": form, "error_forms": [form],
        "title": _("Move the partnership with %(name)s along") % {"name": partnership.partner.name},
        "lede": _("It is now at: %(stage)s.") % {"stage": partnership.get_stage_display()},
        "button": _("Save"), "back": council.code})


@require_POST
def partnership_advance(request, code: str, pk: int):
    """The board's one-button move to the next stage."""
    partnership = changeable_partnership(request, code, pk)
    upcoming = services.next_stage(partnership.stage)
    if upcoming:
        services.partnership_move(partnership=partnership, stage=upcoming)
        messages.success(request, _("%(name)s is now at %(stage)s.") % {
            "name": partnership.partner.name, "stage": Stage(upcoming).label})
    return redirect("partner-pipeline", code=partnership.partner.council_id)


def partnership_review(request, code: str, pk: int):
    partnership = changeable_partnership(request, code, pk)
    council = partnership.partner.council
    review = getattr(partnership, "review", None)
    initial = {"pilots": partnership.pilots.all(),
               **({"achieved": review.achieved, "would_repeat": review.would_repeat, "lessons": review.lessons}
                  if review else {})}
    form = ReviewForm(request.POST or None, initial=initial, council=council)
    if request.method == "POST" and form.is_valid():
        services.partnership_review(partnership=partnership, user=request.user, **form.cleaned_data)
        messages.success(request, _("Review saved."))
        return redirect(partnership)
    return render(request, "partners/form_page.html", {
        "council": council, "form": form, "error_forms": [form],
        "title": _("Review the partnership with %(name)s") % {"name": partnership.partner.name},
        "lede": _("Other councils read reviews in the champions directory: say plainly what worked and what "
                  "did not."), "button": _("Save the review"), "back": council.code})
