from django.urls import path

from . import views

urlpatterns = [
    path("discussion/<slug:slug>/<int:pk>/comments/new/", views.comment_create, name="discussion-comment-create"),
    path("discussion/comments/<int:pk>/reply/", views.comment_reply, name="discussion-comment-reply"),
    path("discussion/comments/<int:pk>/edit/", views.comment_edit, name="discussion-comment-edit"),
    path("discussion/comments/<int:pk>/history/", views.comment_history, name="discussion-comment-history"),
    path("discussion/comments/<int:pk>/report/", views.comment_report, name="discussion-comment-report"),
    path("discussion/comments/<int:pk>/moderate/", views.comment_moderate, name="discussion-comment-moderate"),
    path("discussion/moderation/", views.moderation_queue, name="discussion-moderation"),
    path("discussion/follow/", views.follow, name="discussion-follow"),
    path("discussion/following/", views.following, name="discussion-following"),
    path("notifications/", views.notification_list, name="discussion-notifications"),
    path("notifications/read/", views.notification_read, name="discussion-notifications-read"),
    path("notifications/<int:pk>/read/", views.notification_read, name="discussion-notification-read"),
    path("notifications/email/", views.preferences, name="discussion-preferences"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="discussion-unsubscribe"),
]
