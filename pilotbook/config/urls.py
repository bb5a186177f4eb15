from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("pilotbook.web.urls")),
    path("", include("pilotbook.councils.urls")),
    path("", include("pilotbook.pilots.urls")),
    path("partners/", include("pilotbook.partners.urls")),
    path("overdue/", include("pilotbook.overdue.urls")),
    path("", include("pilotbook.evidence.urls")),
    path("", include("pilotbook.api.urls")),
    path("hack-days/", include("pilotbook.hackdays.urls")),
    path("materials/", include("pilotbook.materials.urls")),
    path("", include("pilotbook.discussion.urls")),
    path("admin/", admin.site.urls),
]

# Under /api/ errors are problem+json (pilotbook.api.problems); elsewhere the HTML pages.
handler400 = "pilotbook.api.problems.bad_request"
handler403 = "pilotbook.api.problems.permission_denied"
handler404 = "pilotbook.api.problems.page_not_found"
handler500 = "pilotbook.api.problems.server_error"
