from django.contrib import admin

from pilotbook.web.admin_site import ReadOnlyModelAdmin

from .models import SentEmail, WorkerHeartbeat


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
class SentEmailAdmin(ReadOnlyModelAdmin):
    list_display = ("subject", "key", "claimed_at", "sent_at")
    list_filter = (Confirmed,)
    search_fields = ("key", "subject", "recipients")


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(ReadOnlyModelAdmin):
    list_display = ("worker_id", "host", "pid", "started_at", "last_seen")
