from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("pilotbook.site.urls")),
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

# Under /api/ errors are problem+json (pilotbook.web.problems); elsewhere the HTML pages.
handler400 = "pilotbook.web.problems.bad_request"
handler403 = "pilotbook.web.problems.permission_denied"
handler404 = "pilotbook.web.problems.page_not_found"
handler500 = "pilotbook.web.problems.server_error"
