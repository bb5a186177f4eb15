"""The pages that combine several domains (ADR 0017). Their URLs and names are the ones they always had."""

from django.urls import path

from . import councils, dashboard, pages, registration

urlpatterns = [
    path("", pages.home, name="home"),
    path("about/", pages.about, name="about"),
    path("accessibility/", pages.accessibility, name="accessibility"),
    path("councils/", councils.council_list, name="council-list"),
    path("councils/<str:code>/", councils.council_detail, name="council-detail"),
    path("pilots/new/", registration.pilot_create, name="pilot-create"),
    path("dashboard/", dashboard.dashboard, name="dashboard"),
]
