"""Pooled evidence pages: the list of groups, a group's meta-analysis with its forest plot and ratings, and the
moderators' pages to make groups and choose their pilots (also in the Django admin)."""

from __future__ import annotations

import math

from django import forms
from django.contrib import messages
from django.db import IntegrityError, transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from pilotbook.pilots.choices import Verdict
from pilotbook.pilots.models import Pilot
from pilotbook.pilots.templatetags.pilots_tags import council_name
from pilotbook.stats import meta
from pilotbook.web.forms import GovukFormMixin

from . import access, pooling
from .forest import forest
from .models import PooledGroup, PooledMembership

METHODS = [("REML", gettext_lazy("Random effects, REML (recommended)")),
           ("DL", gettext_lazy("Random effects, DerSimonian-Laird")),
           ("FE", gettext_lazy("Fixed effect (assumes one true effect everywhere)"))]


class MethodForm(GovukFormMixin, forms.Form):
    method = forms.ChoiceField(label=gettext_lazy("Method"), choices=METHODS, widget=forms.RadioSelect,
                               required=False, initial="REML")
    hksj = forms.BooleanField(label=gettext_lazy("Hartung-Knapp adjustment (more cautious with few pilots)"),
                              required=False)

    def clean(self):
        data = super().clean()
        if data.get("method") == "FE" and data.get("hksj"):
            self.add_error("hksj", _("The Hartung-Knapp adjustment is for random-effects methods: choose REML or "
                                     "DerSimonian-Laird, or untick it"))
        return data


def group_list(request):
    rows = []
    for group in PooledGroup.objects.all():
        result = pooling.analyse_group(group, request.user)
        rows.append({"group": group, "result": result,
                     "usable": len(result.usable)})
    return render(request, "evidence/pooled_list.html", {"rows": rows})


def group_detail(request, slug: str):
    group = get_object_or_404(PooledGroup, slug=slug)
    form = MethodForm(request.GET or None)
    method, hksj = "REML", False
    if form.is_bound and form.is_valid():
        method, hksj = form.cleaned_data["method"] or "REML", form.cleaned_data["hksj"]
    elif form.is_bound and form.data.get("method") in dict(METHODS):
        method = form.data["method"]  # the method asked for, without the adjustment the form refused
    if not (form.is_bound and form.data.get("method")):
        form = MethodForm(initial={"method": method, "hksj": hksj})  # the radios show the method in use
    result = pooling.analyse_group(group, request.user, method=method, hksj=hksj)
    pooled = result.pooled
    ratio = group.measure in ("RR", "OR")
    names = {m.pilot.pk: f"{m.pilot.title}, {council_name({'user': request.user}, m.pilot)}"
             for m in result.members}
    chart = forest(pooled, result.members, ratio=ratio, names=names) if pooled else None
    def show(value):
        return None if value is None else (math.exp(value) if ratio else value)

    stats = None
    if pooled:
        stats = {"estimate": show(pooled.estimate), "ci_low": show(pooled.ci_low), "ci_high": show(pooled.ci_high),
                 "pi_low": show(pooled.pi_low), "pi_high": show(pooled.pi_high), "tau2": pooled.tau2,
                 "i2": pooled.i2, "q": pooled.q, "q_df": pooled.q_df, "q_p": pooled.q_p, "k": pooled.k,
                 "p_value": pooled.p_value, "level": pooled.level * 100, "method": pooled.method,
                 "measure": meta.MEASURE_NAMES.get(pooled.measure, pooled.measure)}
    return render(request, "evidence/pooled_group.html", {
        "group": group, "result": result, "chart": chart, "stats": stats, "form": form, "ratio": ratio,
        "is_moderator": access.may_change_groups(request.user),
        "error_forms": [form] if form.is_bound else [],
    })


class GroupForm(GovukFormMixin, forms.ModelForm):
    class Meta:
        model = PooledGroup
        fields = ["title", "description", "intervention_type", "service_area", "outcome", "measure"]
        widgets = {"measure": forms.RadioSelect, "description": forms.Textarea(attrs={"rows": 3})}
        error_messages = {"title": {"required": gettext_lazy("Enter a title for the group")},
                          "outcome": {"required": gettext_lazy("Describe the outcome the pilots share")}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("intervention_type", "service_area"):  # the model's choices, with a readable blank
            self.fields[name].choices = [("", _("Any")), *PooledGroup._meta.get_field(name).choices]

    def clean_title(self):
        title = " ".join(self.cleaned_data["title"].split())
        if PooledGroup.objects.filter(title__iexact=title).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("There is already a group called “%(title)s”: give this one a title "
                                          "that tells them apart") % {"title": title})
        return title


def group_create(request):
    access.require_group_editor(request)
    form = GroupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        group = form.save(commit=False)
        group.created_by = request.user
        base = slugify(group.title)[:70] or "group"
        if base in PooledGroup.RESERVED_SLUGS:
            base = f"{base}-group"
        group.slug, n = base, 1
        while PooledGroup.objects.filter(slug=group.slug).exists():
            n += 1
            group.slug = f"{base}-{n}"
        group.save()
        messages.success(request, _("Group created. Now add its pilots."))
        return redirect("pooled-group-pilots", slug=group.slug)
    return render(request, "evidence/pooled_form.html", {"form": form, "error_forms": [form],
                                                          "title": _("Make a pooled group")})


def group_edit(request, slug: str):
    """A moderator changes a group's title, description or comparable outcome (its address stays the same)."""
    access.require_group_editor(request)
    group = get_object_or_404(PooledGroup, slug=slug)
    form = GroupForm(request.POST or None, instance=group)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Group saved."))
        return redirect(group)
    return render(request, "evidence/pooled_form.html", {"form": form, "error_forms": [form],
                                                          "title": _("Change the pooled group"),
                                                          "back": group.get_absolute_url()})


class AddPilotForm(GovukFormMixin, forms.Form):
    pilot = forms.ChoiceField(label=gettext_lazy("Pilot to add"),
                              error_messages={"required": gettext_lazy("Choose a pilot to add")})
    note = forms.CharField(label=gettext_lazy("Why it belongs (optional)"), required=False, max_length=300)

    def __init__(self, *args, group: PooledGroup, **kwargs):
        super().__init__(*args, **kwargs)
        # A case study whose source reported no outcome has nothing to pool, so it is not offered.
        pilots = (Pilot.objects.results_released().exclude(pooled_memberships__group=group)
                  .exclude(result__verdict=Verdict.NOT_REPORTED).select_related("council")
                  .prefetch_related("joint_councils"))
        if group.intervention_type:
            pilots = pilots.filter(intervention_type=group.intervention_type)
        if group.service_area:
            pilots = pilots.filter(service_area=group.service_area)
        self.fields["pilot"].choices = [("", _("Choose one"))] + [
            (p.pk, f"{p.title} ({', '.join(filter(None, (p.ran_by(), p.get_outcome_kind_display())))})")
            for p in pilots.order_by("title")]


def group_pilots(request, slug: str):
    access.require_group_editor(request)
    group = get_object_or_404(PooledGroup, slug=slug)
    form = AddPilotForm(request.POST or None, group=group)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                PooledMembership.objects.create(group=group, pilot_id=int(form.cleaned_data["pilot"]),
                                                added_by=request.user, note=form.cleaned_data["note"])
        except IntegrityError:
            form.add_error("pilot", _("That pilot is already in the group"))
        else:
            messages.success(request, _("Pilot added."))
            return redirect("pooled-group-pilots", slug=group.slug)
    memberships = (group.memberships.select_related("pilot", "pilot__council", "added_by")
                   .prefetch_related("pilot__joint_councils"))
    return render(request, "evidence/pooled_pilots.html", {"group": group, "form": form, "error_forms": [form],
                                                           "memberships": memberships})


@require_POST
def group_remove_pilot(request, slug: str, pk: int):
    access.require_group_editor(request)
    group = get_object_or_404(PooledGroup, slug=slug)
    PooledMembership.objects.filter(group=group, pilot_id=pk).delete()
    messages.success(request, _("Pilot removed from the group."))
    return redirect("pooled-group-pilots", slug=group.slug)
