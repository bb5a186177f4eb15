from django import forms
from django.contrib import admin
from django.db import models
from django.utils.translation import gettext_lazy as _


class ModeratorAdminSite(admin.AdminSite):
    site_header = _("Pilotbook moderation")
    site_title = _("Pilotbook moderation")
    index_title = _("Keep the shared record accurate")

    def has_permission(self, request) -> bool:
        user = request.user
        return user.is_active and (user.is_moderator or user.is_superuser)


def is_moderator(request) -> bool:
    # The admin's own sign-in page asks these questions of a signed-out visitor too (AnonymousUser has no field).
    return getattr(request.user, "is_moderator", False)


class ModeratorModelAdmin(admin.ModelAdmin):
    """Moderators may view and correct every record; only superusers may delete."""

    # The admin's split date/time widget has two inputs and no <label> for either (axe: "label"), so a
    # date-time is one labelled box instead, in the format Django parses ("2026-11-22 14:30").
    # A web address typed without a scheme is taken as https (Django 6's default, and what the app's forms do).
    formfield_overrides = {
        models.DateTimeField: {"widget": forms.DateTimeInput(attrs={"class": "vTextField"}, format="%Y-%m-%d %H:%M")},
        models.URLField: {"assume_scheme": "https"},
    }

    def has_view_permission(self, request, obj=None) -> bool:
        return is_moderator(request) or super().has_view_permission(request, obj)

    def has_change_permission(self, request, obj=None) -> bool:
        return is_moderator(request) or super().has_change_permission(request, obj)

    def has_add_permission(self, request) -> bool:
        return is_moderator(request) or super().has_add_permission(request)

    def has_module_permission(self, request) -> bool:
        return is_moderator(request) or super().has_module_permission(request)
