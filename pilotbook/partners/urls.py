from django.urls import path

from .views import arrangements, champions, maps, partners, pipeline, transfer

urlpatterns = [
    path("", maps.partner_index, name="partner-index"),
    path("champions/", champions.champions_directory, name="champions-directory"),
    path("arrangements/", arrangements.arrangement_comparison, name="arrangement-comparison"),
    path("arrangements/<int:pk>/", arrangements.arrangement_edit, name="arrangement-edit"),
    path("<str:code>/", maps.partner_map, name="partner-map"),
    path("<str:code>/map.json", maps.partner_map_data, name="partner-map-data"),
    path("<str:code>/coverage/", maps.partner_coverage, name="partner-coverage"),
    path("<str:code>/unlikely/", maps.partner_unlikely, name="partner-unlikely"),
    path("<str:code>/new/", partners.partner_create, name="partner-create"),
    path("<str:code>/sectors/new/", partners.sector_create, name="sector-create"),
    path("<str:code>/import/", transfer.partner_import, name="partner-import"),
    path("<str:code>/template.csv", transfer.partner_template_csv, name="partner-template-csv"),
    path("<str:code>/export.csv", transfer.partner_export_csv, name="partner-export-csv"),
    path("<str:code>/export.json", transfer.partner_export_json, name="partner-export-json"),
    path("<str:code>/champions/", champions.council_champions, name="council-champions"),
    path("<str:code>/pipeline/", pipeline.pipeline, name="partner-pipeline"),
    path("<str:code>/pipeline/list/", pipeline.pipeline, {"view": "list"}, name="partner-pipeline-list"),
    path("<str:code>/arrangements/new/", arrangements.arrangement_create, name="arrangement-create"),
    path("<str:code>/<int:pk>/", partners.partner_detail, name="partner-detail"),
    path("<str:code>/<int:pk>/edit/", partners.partner_edit, name="partner-edit"),
    path("<str:code>/<int:pk>/partnerships/new/", pipeline.partnership_create, name="partnership-create"),
    path("<str:code>/partnerships/<int:pk>/", pipeline.partnership_detail, name="partnership-detail"),
    path("<str:code>/partnerships/<int:pk>/move/", pipeline.partnership_move, name="partnership-move"),
    path("<str:code>/partnerships/<int:pk>/advance/", pipeline.partnership_advance, name="partnership-advance"),
    path("<str:code>/partnerships/<int:pk>/review/", pipeline.partnership_review, name="partnership-review"),
]
