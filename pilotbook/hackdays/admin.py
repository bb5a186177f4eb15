from django.contrib import admin

from pilotbook.web.admin_site import ModeratorModelAdmin, ModeratorTabularInline

from .models import Challenge, HackDay, Idea, Team


class ChallengeInline(ModeratorTabularInline):
    model = Challenge
    extra = 0


@admin.register(HackDay)
class HackDayAdmin(ModeratorModelAdmin):
    list_display = ["title", "council", "date", "stage", "organiser"]
    list_filter = ["stage"]
    search_fields = ["title", "theme", "council__name"]
    raw_id_fields = ["organiser"]
    inlines = [ChallengeInline]


@admin.register(Idea)
class IdeaAdmin(ModeratorModelAdmin):
    list_display = ["title", "hack_day", "shortlisted_at", "pilot"]
    search_fields = ["title", "problem", "idea"]
    raw_id_fields = ["hack_day", "challenge", "submitted_by", "pilot"]


@admin.register(Team)
class TeamAdmin(ModeratorModelAdmin):
    list_display = ["name", "hack_day", "idea"]
    raw_id_fields = ["hack_day", "idea", "created_by"]
