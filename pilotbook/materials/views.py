"""The materials library, a material's page, adding one to a pilot, recording a use, and the file download."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pilotbook.pilots.access import changeable_pilot
from pilotbook.web import markdown

from . import access, selectors, services
from .forms import MaterialForm, UseForm
from .models import Kind


class KindForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Kind of material"), required=False, choices=Kind.choices,
                             error_messages={"invalid_choice": gettext_lazy("Choose a kind of material from the list")})


def material_library(request):
    form = KindForm(request.GET or None, auto_id="%s")  # the page's own select has the id "kind"
    kind = form.cleaned_data["kind"] if form.is_bound and form.is_valid() else ""
    return render(request, "materials/library.html", {
        "rows": selectors.library(request.user, kind), "kinds": Kind.choices, "kind": kind,
        "error_forms": [form] if form.is_bound else []})


def material_detail(request, pk: int):
    material = access.visible_material_or_404(request, pk)
    pilots = access.pilots_that_may_reuse(request.user, material)
    form = UseForm(request.POST or None, pilots=pilots) if pilots else None
    if request.method == "POST":
        access.require_may_record_use(request, pilots)
        if form.is_valid():
            pilot = changeable_pilot(request, int(form.cleaned_data["pilot"]))
            services.material_record_use(material=material, pilot=pilot, user=request.user,
                                         relation=form.cleaned_data["relation"], note=form.cleaned_data["note"])
            messages.success(request, _("Recorded. Other councils will see that your pilot used this."))
            return redirect(material)
    return render(request, "materials/detail.html", {
        "material": material, "body": markdown.render(material.body) if material.body else "",
        "uses": selectors.uses_of(material, request.user), "form": form,
        "council_shown": material.pilot.council_shown_to(request.user)}, status=400 if form and form.errors else 200)


def material_new(request, pilot_pk: int):
    pilot = changeable_pilot(request, pilot_pk)
    form = MaterialForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        file_name, file_data = data["file"] if data.get("file") else ("", None)
        try:
            material = services.material_add(pilot=pilot, user=request.user, title=data["title"], kind=data["kind"],
                                             description=data["description"], body=data["body"],
                                             file_name=file_name, file_data=file_data)
        except ValidationError as exc:
            form.add_error(None, exc.messages[0])
        else:
            messages.success(request, _("Material added. Other councils can now reuse it."))
            return redirect(material)
    return render(request, "materials/form_page.html", {
        "pilot": pilot, "form": form, "title": _("Add a material this pilot used"),
        "button": _("Add the material")}, status=400 if form.errors else 200)


def material_download(request, pk: int):
    """The file, only to those who may see the material: always as a download, never rendered in the browser."""
    material = access.visible_material_or_404(request, pk)
    if not material.file_name:
        return redirect(material)
    response = HttpResponse(bytes(material.file_content), content_type=material.content_type)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=material.file_name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
