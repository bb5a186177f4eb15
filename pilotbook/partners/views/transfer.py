"""Importing partners from a file and exporting them: Open Referral UK JSON, CSV, OpenStreetMap."""

from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from pilotbook.partners import exporters, importers, services
from pilotbook.partners.access import changeable_council, readable_council
from pilotbook.partners.choices import Frequency, ResidentGroup
from pilotbook.partners.forms import ImportForm
from pilotbook.partners.models import Sector


def partner_import(request, code: str):
    council = changeable_council(request, code)
    form = ImportForm(request.POST or None, request.FILES or None, council=council)
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            parsed = importers.parse(upload.read(), upload.name)
        except importers.UnreadableFile as exc:
            form.add_error("file", str(exc))
        else:
            report = services.partners_import(council=council, parsed=parsed,
                                              default_sector=form.cleaned_data["default_sector"])
            if not report.ok:
                form.add_error("file", _("Nothing was imported: %(n)s records have problems. Fix them and upload "
                                         "the file again.") % {"n": len({e.label for e in report.errors})})
    return render(request, "partners/import.html", {
        "council": council, "form": form, "error_forms": [form], "report": report,
        "sectors": Sector.objects.for_council(council), "columns": importers.CSV_COLUMNS,
        "example": list(zip(importers.CSV_COLUMNS, EXAMPLE_ROW, strict=False)),
        "groups": ResidentGroup.choices, "frequencies": Frequency.choices,
    }, status=200)


# Shown on the import page, never put in the downloadable template (it would be imported as a real partner).
EXAMPLE_ROW = ["GB-CHC-1234567", "Example Community Pantry", "voluntary-community", "A weekly food pantry",
               "https://pantry.example", "info@pantry.example", "Main hall", "1 High Street", "Uckfield", "TN22 1AA",
               "50.9690", "0.0960", "people_in_debt:weekly; families_children:weekly", "", "no", "yes",
               "Volunteers pass on the council's cost-of-living helpline number", "", ""]


def partner_template_csv(request, code: str):
    """The column names only: fill in one row per location (the import page shows an example row)."""
    council = readable_council(request, code)
    return _download(exporters.to_csv([]), f"pilotbook-partners-template-{council.code}.csv", "text/csv")


def partner_export_csv(request, code: str):
    council = readable_council(request, code)
    body = exporters.to_csv(exporters.partners_for_export(council))
    return _download(body, f"pilotbook-partners-{council.code}.csv", "text/csv")


def partner_export_json(request, code: str):
    council = readable_council(request, code)
    response = JsonResponse(exporters.to_open_referral(exporters.partners_for_export(council)), safe=False,
                            json_dumps_params={"indent": 2, "ensure_ascii": False})
    response["Content-Disposition"] = f'attachment; filename="pilotbook-partners-{council.code}.json"'
    return response


def _download(body: str, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(body, content_type=f"{content_type}; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
