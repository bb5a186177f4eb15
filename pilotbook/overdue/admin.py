from django.contrib import admin

from pilotbook.web.admin_site import ReadOnlyModelAdmin

from .models import Correction, Flag, Reminder, ReportedElsewhere


@admin.register(Flag)
class FlagAdmin(admin.ModelAdmin):
    list_display = ("pilot", "kind", "state", "raised_by", "raised_at", "resolved_by")
    list_filter = ("state", "kind")
    search_fields = ("pilot__title", "reason")
    raw_id_fields = ("pilot",)
    readonly_fields = ("raised_by", "raised_at", "resolved_by", "resolved_at")


@admin.register(Correction)
class CorrectionAdmin(ReadOnlyModelAdmin):
    list_display = ("pilot", "action", "made_by", "made_at")
    list_filter = ("action",)
    search_fields = ("pilot__title", "reason")


@admin.register(Reminder)
class ReminderAdmin(ReadOnlyModelAdmin):
    list_display = ("pilot", "kind", "due_date", "queued_at", "sent_at", "skipped")
    list_filter = ("kind",)
    search_fields = ("pilot__title",)


@admin.register(ReportedElsewhere)
class ReportedElsewhereAdmin(ReadOnlyModelAdmin):
    list_display = ("pilot", "url", "reported_on", "marked_by", "marked_at")
    search_fields = ("pilot__title", "url")
