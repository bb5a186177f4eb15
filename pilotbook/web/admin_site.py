from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db import models
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _

from .access import is_moderator


class ModeratorAdminSite(admin.AdminSite):
    site_header = _("Pilotbook moderation")
    site_title = _("Pilotbook moderation")
    index_title = _("Keep the shared record accurate")

    def has_permission(self, request) -> bool:
        user = request.user
        return user.is_active and (is_moderator(user) or user.is_superuser)

    def login(self, request, extra_context=None):
        """There is one sign-in, the service's own (with its throttling): the admin's form is never shown.

        Signed out: to the service's sign-in, coming back here afterwards. Signed in as a moderator: on to the
        page asked for. Signed in as anyone else: a page saying the admin site is for moderators (sending them
        to sign in again would loop, as the sign-in page passes signed-in people straight on).
        """
        index = reverse("admin:index", current_app=self.name)
        wanted = request.GET.get(REDIRECT_FIELD_NAME, "")
        if not url_has_allowed_host_and_scheme(wanted, allowed_hosts={request.get_host()},
                                               require_https=request.is_secure()):
            wanted = index
        if not request.user.is_authenticated:
            return redirect_to_login(wanted, settings.LOGIN_URL)
        if self.has_permission(request):
            return redirect(wanted)
        raise PermissionDenied(_("The admin site is for platform moderators. You are signed in as %(email)s, "
                                 "which is not a moderator account. Use Pilotbook's own pages, or ask a "
                                 "moderator to make a correction for you.") % {"email": request.user.email})


class ModeratorModelAdmin(admin.ModelAdmin):
    """Moderators may view and correct every record; only superusers may delete."""

    # The list of records scrolls sideways inside a focusable, labelled region, not the page (WCAG 1.4.10).
    change_list_template = "admin/pilotbook/change_list.html"

    # The admin's split date/time widget has two inputs and no <label> for either (axe: "label"), so a
    # date-time is one labelled box instead, in the format Django parses ("2026-11-22 14:30").
    # A web address typed without a scheme is taken as https (Django 6's default, and what the app's forms do).
    formfield_overrides = {
        models.DateTimeField: {"widget": forms.DateTimeInput(attrs={"class": "vTextField"}, format="%Y-%m-%d %H:%M")},
        models.URLField: {"assume_scheme": "https"},
    }

    def has_view_permission(self, request, obj=None) -> bool:
        return is_moderator(request.user) or super().has_view_permission(request, obj)

    def has_change_permission(self, request, obj=None) -> bool:
        return is_moderator(request.user) or super().has_change_permission(request, obj)

    def has_add_permission(self, request) -> bool:
        return is_moderator(request.user) or super().has_add_permission(request)

    def has_module_permission(self, request) -> bool:
        return is_moderator(request.user) or super().has_module_permission(request)



class ReadOnlyModelAdmin(ModeratorModelAdmin):
    """Records written only by the code (logs, sent emails, worker heartbeats): moderators may look, nobody may
    add, change or delete them here, so they stay true."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

def _is_superuser(request) -> bool:
    return request.user.is_active and request.user.is_superuser


class SuperuserOnlyPermissions:
    """Accounts, memberships and invitations: only superusers see or change them, not moderators.

    Moderators moderate content. Anyone who can set a password, change an email address or active flag, or
    give memberships could take over any account (a superuser's included) or join any council, so these are
    for superusers alone; Django permissions given to a non-superuser do not open them either. The admin then
    answers 403 to a moderator for the list, add, change, delete and password pages.
    """

    def has_view_permission(self, request, obj=None) -> bool:
        return _is_superuser(request)

    def has_change_permission(self, request, obj=None) -> bool:
        return _is_superuser(request)

    def has_add_permission(self, request, obj=None) -> bool:
        return _is_superuser(request)

    def has_delete_permission(self, request, obj=None) -> bool:
        return _is_superuser(request)

    def has_module_permission(self, request) -> bool:
        return _is_superuser(request)


class ModeratorTabularInline(admin.TabularInline):
    """A table of related records that scrolls sideways inside a focusable, labelled region (WCAG 1.4.10)."""

    template = "admin/pilotbook/tabular.html"


class SuperuserOnlyModelAdmin(SuperuserOnlyPermissions, ModeratorModelAdmin):
    """A model admin only superusers may use (see SuperuserOnlyPermissions), with the admin's accessible widgets."""


class SuperuserOnlyInline(SuperuserOnlyPermissions, ModeratorTabularInline):
    """An inline only superusers may see or change (see SuperuserOnlyPermissions)."""
