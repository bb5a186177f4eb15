from django.contrib import admin

from pilotbook.web.admin_site import ModeratorModelAdmin

from .models import PooledGroup, PooledMembership


class MembershipInline(admin.TabularInline):
    model = PooledMembership
    extra = 0
    autocomplete_fields = ["pilot"]
    readonly_fields = ["added_by", "added_at"]


@admin.register(PooledGroup)
class PooledGroupAdmin(ModeratorModelAdmin):
    list_display = ["title", "measure", "intervention_type", "service_area", "updated_at"]
    search_fields = ["title", "outcome"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [MembershipInline]
