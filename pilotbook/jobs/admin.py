from django.contrib import admin

from pilotbook.web.admin_site import ModeratorModelAdmin

from .models import SentEmail, WorkerHeartbeat


class ReadOnlyAdmin(ModeratorModelAdmin):
    """Moderators may look; the records are written only by the workers, so they stay true."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class Confirmed(admin.SimpleListFilter):
    title = "sending"
    parameter_name = "confirmed"

    def lookups(self, request, model_admin):
        return [("yes", "Confirmed by the mail server"), ("no", "Never confirmed (may not have arrived)")]

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return queryset.filter(sent_at__isnull=self.value() == "no")
        return queryset


@admin.register(SentEmail)
class SentEmailAdmin(ReadOnlyAdmin):
    list_display = ("subject", "key", "claimed_at", "sent_at")
    list_filter = (Confirmed,)
    search_fields = ("key", "subject", "recipients")


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(ReadOnlyAdmin):
    list_display = ("worker_id", "host", "pid", "started_at", "last_seen")
