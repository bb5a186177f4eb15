from django.contrib import admin

from pilotbook.web.admin_site import ModeratorModelAdmin, ModeratorTabularInline

from .models import Material, MaterialUse


class MaterialUseInline(ModeratorTabularInline):
    model = MaterialUse
    extra = 0
    raw_id_fields = ["pilot", "recorded_by"]


@admin.register(Material)
class MaterialAdmin(ModeratorModelAdmin):
    list_display = ["title", "kind", "council", "pilot", "file_type", "file_size", "created_at"]
    list_filter = ["kind", "file_type"]
    search_fields = ["title", "body", "pilot__title"]
    raw_id_fields = ["council", "pilot", "created_by"]
    readonly_fields = ["file_name", "file_type", "file_size", "file_sha256"]
    inlines = [MaterialUseInline]
