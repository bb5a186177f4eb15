from django.urls import path

from . import views

urlpatterns = [
    path("", views.hackday_list, name="hackday-list"),
    path("new/", views.hackday_create, name="hackday-create"),
    path("impact/", views.impact, name="hackday-impact"),
    path("council/<str:code>.ics", views.council_ics, name="hackday-council-ics"),
    path("<int:pk>/", views.hackday_detail, name="hackday-detail"),
    path("<int:pk>/event.ics", views.hackday_ics, name="hackday-ics"),
    path("<int:pk>/stage/", views.hackday_advance, name="hackday-advance"),
    path("<int:pk>/ideas/new/", views.idea_new, name="hackday-idea-new"),
    path("<int:pk>/ideas/<int:idea_pk>/vote/", views.idea_vote, name="hackday-vote"),
    path("<int:pk>/ideas/<int:idea_pk>/shortlist/", views.idea_shortlist, name="hackday-shortlist"),
    path("<int:pk>/ideas/<int:idea_pk>/pilot/", views.idea_pilot, name="hackday-idea-pilot"),
    path("<int:pk>/teams/new/", views.team_new, name="hackday-team-new"),
    path("<int:pk>/teams/<int:team_pk>/join/", views.team_join, name="hackday-team-join"),
]
