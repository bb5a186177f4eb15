from django.contrib import admin

from pilotbook.web.admin_site import ModeratorModelAdmin, ModeratorTabularInline

from .models import Arrangement, Location, Partner, Partnership, PartnershipReview, Sector, Touchpoint


class LocationInline(ModeratorTabularInline):
    model = Location
    extra = 0
    fields = ["name", "address_1", "city", "postal_code", "latitude", "longitude"]


class TouchpointInline(ModeratorTabularInline):
    model = Touchpoint
    extra = 0


@admin.register(Sector)
class SectorAdmin(ModeratorModelAdmin):
    list_display = ["name", "slug", "council", "shape", "colour"]
    list_filter = [("council", admin.EmptyFieldListFilter)]
    search_fields = ["name", "slug"]


@admin.register(Partner)
class PartnerAdmin(ModeratorModelAdmin):
    list_display = ["name", "council", "sector", "identifier", "can_refer", "visits_homes", "source", "updated_at"]
    list_filter = ["sector", "can_refer", "visits_homes", "source"]
    search_fields = ["name", "identifier", "osm_id", "council__name", "council__code"]
    autocomplete_fields = ["council"]
    readonly_fields = ["oruk_id", "osm_id", "source"]
    inlines = [LocationInline, TouchpointInline]


class ReviewInline(admin.StackedInline):
    model = PartnershipReview
    extra = 0
    readonly_fields = ["reviewed_by", "reviewed_at"]


@admin.register(Partnership)
class PartnershipAdmin(ModeratorModelAdmin):
    list_display = ["partner", "topic", "stage", "owner", "next_step_date"]
    list_filter = ["stage"]
    search_fields = ["topic", "partner__name", "partner__council__name"]
    raw_id_fields = ["partner", "owner"]
    autocomplete_fields = ["pilots"]
    inlines = [ReviewInline]


@admin.register(Arrangement)
class ArrangementAdmin(ModeratorModelAdmin):
    list_display = ["service", "council", "model", "baseline_cost", "predicted_saving", "realised_saving"]
    list_filter = ["model"]
    search_fields = ["service", "provider", "council__name"]
    autocomplete_fields = ["council", "councils"]
