from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from pilotbook.web.admin_site import ModeratorModelAdmin, SuperuserOnlyInline, SuperuserOnlyModelAdmin

from .models import Council, Invitation, Membership, User


# People, their memberships and invitations are managed by superusers only (SuperuserOnlyPermissions): a
# moderator who could set a password, an email or a membership could take over any account or join any council.
class MembershipInline(SuperuserOnlyInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["council"]


@admin.register(Council)
class CouncilAdmin(ModeratorModelAdmin):
    list_display = ["code", "name", "authority_type_name", "nation", "region", "end_date"]
    list_filter = ["nation", "authority_type_name"]
    search_fields = ["code", "name", "official_name", "gss_code"]
    filter_horizontal = ["successors"]


@admin.register(User)
class UserAdmin(SuperuserOnlyModelAdmin, DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "is_moderator", "is_active", "last_login"]
    list_filter = ["is_moderator", "is_active"]
    search_fields = ["email", "full_name"]
    inlines = [MembershipInline]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Person"), {"fields": ["full_name"]}),
        (_("Access"), {"fields": ["is_active", "is_moderator", "is_superuser"]}),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "full_name", "password1", "password2"]})]
    readonly_fields = ["last_login", "date_joined"]


@admin.register(Invitation)
class InvitationAdmin(SuperuserOnlyModelAdmin):
    list_display = ["email", "council", "role", "created_at", "accepted_at"]
    search_fields = ["email", "council__name"]
    readonly_fields = ["token"]
