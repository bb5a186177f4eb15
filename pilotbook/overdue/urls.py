from django.urls import path

from . import views

urlpatterns = [
    path("", views.overdue_list, name="overdue-list"),
    path("councils/<str:code>/", views.council_overdue, name="overdue-council"),
    path("pilots/<int:pk>/", views.overdue_entry, name="overdue-entry"),
    path("pilots/<int:pk>/flag/", views.flag_entry, name="overdue-flag"),
    path("pilots/<int:pk>/correct/", views.correct_entry, name="overdue-correct"),
    path("moderation/", views.moderation, name="overdue-moderation"),
    path("moderation/flags/<int:flag_id>/", views.review_flag, name="overdue-review"),
]
