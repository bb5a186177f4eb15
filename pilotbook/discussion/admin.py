from django.contrib import admin

from pilotbook.web.admin_site import ModeratorModelAdmin, ModeratorTabularInline

from .models import Comment, CommentVersion, EmailPreference, Follow, ModerationAction, Notification, Report


class VersionInline(ModeratorTabularInline):
    model = CommentVersion
    extra = 0
    can_delete = False
    readonly_fields = ["body", "written_at", "replaced_at"]

    def has_add_permission(self, request, obj=None):
        return False


class ModerationInline(ModeratorTabularInline):
    model = ModerationAction
    extra = 0
    can_delete = False
    readonly_fields = ["action", "moderator", "reason", "created_at"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Comment)
class CommentAdmin(ModeratorModelAdmin):
    list_display = ["pk", "kind", "author", "target_type", "target_id", "from_team", "created_at", "hidden_at"]
    list_filter = ["kind", "from_team", ("hidden_at", admin.EmptyFieldListFilter)]
    search_fields = ["body", "author__email", "author__full_name"]
    # Hiding goes through the discussion's moderation page (pilotbook.discussion.services.comment_hide), which
    # logs who did it; here the record is read-only.
    readonly_fields = ["target_type", "target_id", "parent", "kind", "author", "from_team", "body", "created_at",
                       "edited_at", "hidden_at", "hidden_by", "hidden_reason"]
    inlines = [VersionInline, ModerationInline]


@admin.register(Report)
class ReportAdmin(ModeratorModelAdmin):
    list_display = ["comment", "reporter", "created_at", "closed_at"]
    list_filter = [("closed_at", admin.EmptyFieldListFilter)]
    readonly_fields = ["comment", "reporter", "reason", "created_at"]


@admin.register(ModerationAction)
class ModerationActionAdmin(ModeratorModelAdmin):
    list_display = ["comment", "action", "moderator", "created_at"]
    list_filter = ["action"]
    readonly_fields = ["comment", "action", "moderator", "reason", "created_at"]


@admin.register(Follow)
class FollowAdmin(ModeratorModelAdmin):
    list_display = ["user", "subject", "value", "created_at"]
    list_filter = ["subject"]


@admin.register(Notification)
class NotificationAdmin(ModeratorModelAdmin):
    list_display = ["recipient", "reason", "comment", "created_at", "read_at", "emailed_at"]
    list_filter = ["reason"]
    readonly_fields = ["recipient", "comment", "reason", "created_at"]


@admin.register(EmailPreference)
class EmailPreferenceAdmin(ModeratorModelAdmin):
    list_display = ["user", "question_emails", "digest", "last_digest_at"]
    list_filter = ["digest", "question_emails"]
