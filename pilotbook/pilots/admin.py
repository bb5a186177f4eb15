from django import forms
from django.contrib import admin

from pilotbook.web.admin_site import ModeratorModelAdmin, ModeratorTabularInline

from . import plan as plan_module
from .choices import Visibility
from .models import Amendment, Pilot, Result


class AmendmentInline(ModeratorTabularInline):
    model = Amendment
    extra = 0
    can_delete = False
    readonly_fields = ["number", "made_at", "made_by", "reason", "after_results_seen", "changes"]
    fields = readonly_fields

    def has_add_permission(self, request, obj=None):
        return False


class PilotAdminForm(forms.ModelForm):
    """The rules about who ran a pilot that involve the other councils (a many-to-many the database cannot check).
    The admin makes the form's fields for Pilot (ModelAdmin.get_form)."""

    def clean(self):
        data = super().clean()
        joint = data.get("joint_councils")
        if joint:
            council = data.get("council", self.instance.council if self.instance.council_id else None)
            if council is None:
                self.add_error("joint_councils", "A pilot several councils ran has the first of them as its council; "
                                                 "choose it as the council, and the others here.")
            elif council in joint:
                self.add_error("joint_councils", f"{council.name} is this pilot's council already; list only the "
                                                 "others here.")
            if data.get("visibility", self.instance.visibility) == Visibility.PUBLIC_ANONYMOUS:
                self.add_error("visibility", "Only one council's name can be withheld: a pilot several councils ran "
                                             "is found under each. Make it public or for councils only.")
        return data


@admin.register(Pilot)
class PilotAdmin(ModeratorModelAdmin):
    form = PilotAdminForm
    list_display = ["title", "council", "organisation", "status", "visibility", "service_area", "is_demo",
                    "updated_at"]
    list_filter = ["status", "visibility", "service_area", "intervention_type", "design", "is_demo"]
    search_fields = ["title", "problem", "change", "council__name", "council__code", "organisation", "external_id"]
    # Joint councils are a plain labelled list: the autocomplete widget's search box for several values has no label
    # (axe: "label"), which the moderator journey's accessibility check catches.
    autocomplete_fields = ["council"]
    inlines = [AmendmentInline]
    # Lifecycle moves go through pilotbook.pilots.services (which checks and records them), never by hand here.
    readonly_fields = ["status", "registered_at", "registered_plan_hash", "plan_hash", "created_by", "started_at",
                       "results_seen_at", "published_at", "ended_at"]

    def get_readonly_fields(self, request, obj=None):
        # A frozen plan is changed only by an amendment with a reason, never silently here.
        frozen = list(plan_module.PLAN_FIELDS) if obj is not None and obj.is_frozen else []
        return [*self.readonly_fields, *frozen]


@admin.register(Result)
class ResultAdmin(ModeratorModelAdmin):
    list_display = ["pilot", "verdict", "estimate", "ci_low", "ci_high", "recorded_at"]
    list_filter = ["verdict"]
    readonly_fields = ["verdict", "reaches_worthwhile", "estimate", "ci_low", "ci_high"]
