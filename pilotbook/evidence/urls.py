from django.urls import path

from . import pooled_views, views

urlpatterns = [
    path("evidence/", views.evidence_search, name="evidence-search"),
    path("evidence/before-you-start/", views.before_you_start, name="before-you-start"),
    path("evidence/before-you-start/dismiss/<int:pk>/", views.dismiss_suggestion, name="dismiss-suggestion"),
    path("evidence/before-you-start/restore/", views.restore_suggestions, name="restore-suggestions"),
    path("evidence/what-didnt-work/", views.failure_register, name="failure-register"),
    path("evidence/pooled/", pooled_views.group_list, name="pooled-groups"),
    path("evidence/pooled/new/", pooled_views.group_create, name="pooled-group-create"),
    path("evidence/pooled/<slug:slug>/", pooled_views.group_detail, name="pooled-group"),
    path("evidence/pooled/<slug:slug>/change/", pooled_views.group_edit, name="pooled-group-edit"),
    path("evidence/pooled/<slug:slug>/pilots/", pooled_views.group_pilots, name="pooled-group-pilots"),
    path("evidence/pooled/<slug:slug>/pilots/<int:pk>/remove/", pooled_views.group_remove_pilot,
         name="pooled-group-remove"),
]
