from django.contrib import admin

from pilotbook.web.admin_site import ModeratorModelAdmin, ModeratorTabularInline

from . import plan as plan_module
from .models import Amendment, Pilot, Result


class AmendmentInline(ModeratorTabularInline):
    model = Amendment
    extra = 0
    can_delete = False
    readonly_fields = ["number", "made_at", "made_by", "reason", "after_results_seen", "changes"]
    fields = readonly_fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Pilot)
class PilotAdmin(ModeratorModelAdmin):
    list_display = ["title", "council", "status", "visibility", "service_area", "is_demo", "updated_at"]
    list_filter = ["status", "visibility", "service_area", "intervention_type", "design", "is_demo"]
    search_fields = ["title", "problem", "change", "council__name", "council__code"]
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
