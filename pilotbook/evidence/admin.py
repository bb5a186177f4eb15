from django.contrib import admin

from pilotbook.web.access import is_moderator
from pilotbook.web.admin_site import ModeratorModelAdmin, ModeratorTabularInline

from .models import PooledGroup, PooledMembership


class MembershipInline(ModeratorTabularInline):
    """Moderators choose a group's pilots here as on the group's own pages, removing included."""

    model = PooledMembership
    extra = 0
    autocomplete_fields = ["pilot"]
    readonly_fields = ["added_by", "added_at"]

    def has_view_permission(self, request, obj=None) -> bool:
        return is_moderator(request.user) or super().has_view_permission(request, obj)

    def has_add_permission(self, request, obj=None) -> bool:
        return is_moderator(request.user) or super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None) -> bool:
        return is_moderator(request.user) or super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return is_moderator(request.user) or super().has_delete_permission(request, obj)


@admin.register(PooledGroup)
class PooledGroupAdmin(ModeratorModelAdmin):
    list_display = ["title", "measure", "intervention_type", "service_area", "updated_at"]
    search_fields = ["title", "outcome"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["created_by"]
    inlines = [MembershipInline]

    def save_model(self, request, obj, form, change) -> None:
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change) -> None:
        for membership in formset.save(commit=False):
            if membership.pk is None:
                membership.added_by = request.user
            membership.save()
        for membership in formset.deleted_objects:
            membership.delete()
        formset.save_m2m()
