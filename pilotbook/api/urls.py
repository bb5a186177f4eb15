from django.urls import path, re_path

from . import feeds, views

urlpatterns = [
    path("schema/pilot.json", views.schema_view, name="schema-pilot"),
    path("feeds/results/", feeds.NewResultsFeed(), name="feed-results"),
    path("feeds/results/service-area/<slug:code>/", feeds.ServiceAreaResultsFeed(), name="feed-results-service-area"),
    path("feeds/results/council/<str:code>/", feeds.CouncilResultsFeed(), name="feed-results-council"),
    path("export/pilots.csv-metadata.json", views.export_metadata, name="export-pilots-metadata"),
    path("export/evidence.csv-metadata.json", views.export_evidence_metadata, name="export-evidence-metadata"),
    path("export/pilots.<str:fmt>", views.export, name="export-pilots"),
    path("export/evidence.<str:fmt>", views.export_evidence, name="export-evidence"),
    path("api/", views.api_index, name="api-index"),
    path("api/openapi.json", views.api_openapi, name="api-openapi"),
    path("api/pilots/", views.api_pilots, name="api-pilots"),
    path("api/pilots/<int:pk>/", views.api_pilot, name="api-pilot"),
    path("api/councils/", views.api_councils, name="api-councils"),
    path("api/councils/<str:code>/", views.api_council, name="api-council"),
    path("api/pooled-groups/", views.api_pooled_groups, name="api-pooled-groups"),
    path("api/pooled-groups/<slug:slug>/", views.api_pooled_group, name="api-pooled-group"),
    path("api/overdue/", views.api_overdue, name="api-overdue"),
    re_path(r"^api/", views.api_not_found),  # last: any other address under /api/ is a problem+json 404
]
