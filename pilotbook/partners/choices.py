"""The fixed vocabularies of the partner map. Sectors are a table (councils add their own); these are not."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ResidentGroup(models.TextChoices):
    """Groups of residents a partner's staff meet. A group, never a person: nothing here identifies anyone."""

    OLDER_PEOPLE = "older_people", _("Older people")
    FAMILIES = "families_children", _("Families with children")
    YOUNG_PEOPLE = "young_people", _("Young people")
    TENANTS = "tenants", _("Tenants")
    DISABLED_PEOPLE = "disabled_people", _("Disabled people")
    CARERS = "carers", _("Unpaid carers")
    PEOPLE_IN_DEBT = "people_in_debt", _("People in debt")
    JOBSEEKERS = "jobseekers", _("People looking for work")
    ROUGH_SLEEPERS = "rough_sleepers", _("Rough sleepers")
    MENTAL_HEALTH = "mental_health", _("People with mental health needs")
    PUBLIC_SPACES = "public_spaces", _("Everyone in the streets and public spaces")


class Frequency(models.TextChoices):
    DAILY = "daily", _("Every day")
    WEEKLY = "weekly", _("Every week")
    MONTHLY = "monthly", _("Every month")
    OCCASIONALLY = "occasionally", _("Now and then")


# Most frequent first: the coverage page reports the most frequent contact a sector has with a group.
FREQUENCY_ORDER = [Frequency.DAILY, Frequency.WEEKLY, Frequency.MONTHLY, Frequency.OCCASIONALLY]


# Words in a council's goal ("spot isolated older people", "report fly-tipping sooner") -> the groups it is
# about. Matched as word prefixes by pilotbook.partners.selectors.groups_for_goal.
GOAL_KEYWORDS: dict[str, list[str]] = {
    ResidentGroup.OLDER_PEOPLE: ["older", "elderly", "pension", "isolat", "lonel", "dementia", "fall", "frail"],
    ResidentGroup.FAMILIES: ["famil", "child", "parent", "school", "early years", "nursery"],
    ResidentGroup.YOUNG_PEOPLE: ["young", "youth", "teen", "student", "care leaver"],
    ResidentGroup.TENANTS: ["tenan", "rent", "arrears", "housing", "damp", "mould", "evict", "landlord"],
    ResidentGroup.DISABLED_PEOPLE: ["disab", "mobility", "wheelchair", "blind", "deaf", "impair"],
    ResidentGroup.CARERS: ["carer", "caring"],
    ResidentGroup.PEOPLE_IN_DEBT: ["debt", "arrears", "council tax", "cost of living", "fuel poverty", "poverty"],
    ResidentGroup.JOBSEEKERS: ["job", "work", "employ", "skills", "benefit"],
    ResidentGroup.ROUGH_SLEEPERS: ["rough sleep", "homeless", "sleeping rough", "street homeless"],
    ResidentGroup.MENTAL_HEALTH: ["mental", "suicid", "self-harm", "wellbeing", "anxiety", "depress"],
    ResidentGroup.PUBLIC_SPACES: ["fly-tip", "flytip", "litter", "graffiti", "pothole", "street", "antisocial",
                                  "anti-social", "dumped", "streetlight", "dog fouling", "abandoned vehicle"],
}


class Stage(models.TextChoices):
    """The partnership pipeline, in order."""

    IDENTIFIED = "identified", _("Identified")
    CONTACTED = "contacted", _("Contacted")
    EXPLORING = "exploring", _("Exploring")
    AGREEMENT = "agreement", _("Agreement in place")
    RUNNING_PILOT = "running_pilot", _("Running a pilot")
    REVIEWED = "reviewed", _("Reviewed")
    ENDED = "ended", _("Ended")


STAGE_ORDER: list[str] = list(Stage)


class WouldRepeat(models.TextChoices):
    YES = "yes", _("Yes")
    WITH_CHANGES = "with_changes", _("Yes, with changes")
    NO = "no", _("No")


class ArrangementModel(models.TextChoices):
    IN_HOUSE = "in_house", _("In-house")
    SHARED = "shared", _("Shared with named councils")
    OUTSOURCED = "outsourced", _("Outsourced")
    OUTCOMES_BASED = "outcomes_based", _("Outcomes-based contract")
    PARTNERSHIP = "partnership", _("Partnership")


class Source(models.TextChoices):
    MANUAL = "manual", _("Entered by hand")
    OPEN_REFERRAL = "open_referral", _("Open Referral UK import")
    CSV = "csv", _("CSV import")
    OSM = "osm", _("OpenStreetMap import")
