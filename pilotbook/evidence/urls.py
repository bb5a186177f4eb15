from django.urls import path

from . import views

urlpatterns = [
    path("evidence/", views.evidence_search, name="evidence-search"),
    path("evidence/before-you-start/", views.before_you_start, name="before-you-start"),
    path("evidence/before-you-start/dismiss/<int:pk>/", views.dismiss_suggestion, name="dismiss-suggestion"),
    path("evidence/what-didnt-work/", views.failure_register, name="failure-register"),
]
