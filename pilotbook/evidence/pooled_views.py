"""Pooled evidence pages: the list of groups, a group's meta-analysis with its forest plot and ratings, and the
moderators' pages to make groups and choose their pilots (also in the Django admin). Forms are in forms.py, writes
in services.py, reads in selectors.py."""

from __future__ import annotations

import math

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pilotbook.pilots.templatetags.pilots_tags import council_name
from pilotbook.stats import meta

from . import access, pooling, selectors, services
from .forest import forest
from .forms import METHODS, AddPilotForm, GroupForm, MethodForm
from .models import PooledGroup


def group_list(request):
    return render(request, "evidence/pooled_list.html", {"rows": selectors.group_rows(request.user)})


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


def group_create(request):
    access.require_group_editor(request)
    form = GroupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        group = services.group_create(created_by=request.user, **form.cleaned_data)
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
        services.group_update(group=group, **form.cleaned_data)
        messages.success(request, _("Group saved."))
        return redirect(group)
    return render(request, "evidence/pooled_form.html", {"form": form, "error_forms": [form],
                                                          "title": _("Change the pooled group"),
                                                          "back": group.get_absolute_url()})


def group_pilots(request, slug: str):
    access.require_group_editor(request)
    group = get_object_or_404(PooledGroup, slug=slug)
    form = AddPilotForm(request.POST or None, group=group)
    if request.method == "POST" and form.is_valid():
        try:
            services.membership_add(group=group, pilot_id=int(form.cleaned_data["pilot"]), added_by=request.user,
                                    note=form.cleaned_data["note"])
        except services.AlreadyInGroup:
            form.add_error("pilot", _("That pilot is already in the group"))
        else:
            messages.success(request, _("Pilot added."))
            return redirect("pooled-group-pilots", slug=group.slug)
    memberships = selectors.group_memberships(group)
    return render(request, "evidence/pooled_pilots.html", {"group": group, "form": form, "error_forms": [form],
                                                           "memberships": memberships})


@require_POST
def group_remove_pilot(request, slug: str, pk: int):
    access.require_group_editor(request)
    group = get_object_or_404(PooledGroup, slug=slug)
    services.membership_remove(group=group, pilot_id=pk)
    messages.success(request, _("Pilot removed from the group."))
    return redirect("pooled-group-pilots", slug=group.slug)
