"""The fixed vocabularies of the pilot registry."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    REGISTERED = "registered", _("Registered")
    RUNNING = "running", _("Running")
    RESULTS_RECORDED = "results_recorded", _("Results recorded")
    PUBLISHED = "published", _("Published")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    STOPPED_EARLY = "stopped_early", _("Stopped early")


# Statuses in which the plan is frozen: changes are amendments with a reason.
FROZEN_STATUSES = {
    Status.REGISTERED,
    Status.RUNNING,
    Status.RESULTS_RECORDED,
    Status.PUBLISHED,
    Status.WITHDRAWN,
    Status.STOPPED_EARLY,
}
# Statuses that end a pilot; no further lifecycle moves.
ENDED_STATUSES = {Status.PUBLISHED, Status.WITHDRAWN, Status.STOPPED_EARLY}


class Visibility(models.TextChoices):
    COUNCILS = "councils", _("Signed-in council members only")
    PUBLIC = "public", _("Anyone, including the public")
    PUBLIC_ANONYMOUS = "public_anonymous", _(
        "Anyone, with our council's name withheld (platform moderators still see it)"
    )


PUBLIC_VISIBILITIES = {Visibility.PUBLIC, Visibility.PUBLIC_ANONYMOUS}


class FailureReason(models.TextChoices):
    """Why a pilot did not work, for the "what didn't work" register (one main reason per pilot)."""

    IDEA_DID_NOT_WORK = "idea_did_not_work", _("The idea did not work")
    NOT_DELIVERED = "not_delivered", _("Not delivered as planned")
    PARTNER_WITHDREW = "partner_withdrew", _("A partner withdrew")
    DATA_NOT_AVAILABLE = "data_not_available", _("The data were not available")
    TOO_SMALL = "too_small", _("Too small to tell")
    WORKED_ELSEWHERE = "worked_elsewhere", _("Worked elsewhere but not here")
    HARMFUL_SIDE_EFFECT = "harmful_side_effect", _("Harmful side effect")
    TOO_COSTLY = "too_costly", _("Too costly to scale")
    OTHER = "other", _("Other")


class ServiceArea(models.TextChoices):
    ADULT_SOCIAL_CARE = "adult_social_care", _("Adult social care")
    CHILDREN_FAMILIES = "children_families", _("Children and families")
    EDUCATION = "education", _("Education and skills")
    HOUSING = "housing", _("Housing and homelessness")
    REVENUES_BENEFITS = "revenues_benefits", _("Council tax, revenues and benefits")
    WASTE = "waste", _("Waste and recycling")
    STREETS = "streets", _("Streets, highways and transport")
    PARKING = "parking", _("Parking")
    ENVIRONMENT = "environment", _("Environment and climate")
    PLANNING = "planning", _("Planning and building control")
    PUBLIC_HEALTH = "public_health", _("Public health and wellbeing")
    COMMUNITY_SAFETY = "community_safety", _("Community safety and licensing")
    LIBRARIES_CULTURE = "libraries_culture", _("Libraries, culture and leisure")
    ECONOMY = "economy", _("Economy and employment")
    CUSTOMER_SERVICES = "customer_services", _("Customer services and contact")
    CORPORATE = "corporate", _("Corporate, finance and workforce")


class InterventionType(models.TextChoices):
    LETTER_MESSAGE = "letter_message", _("Letter or message redesign")
    CHANNEL_SHIFT = "channel_shift", _("Digital channel shift")
    PROCESS_REDESIGN = "process_redesign", _("Process redesign")
    PARTNERSHIP = "partnership", _("Partnership")
    SHARED_SERVICE = "shared_service", _("Shared service")
    COMMISSIONING = "commissioning", _("Commissioning change")
    NUDGE = "nudge", _("Behavioural nudge")
    TECHNOLOGY = "technology", _("Technology")
    OTHER = "other", _("Other")


class OutcomeKind(models.TextChoices):
    BINARY = "binary", _("Yes or no (for example paid on time)")
    CONTINUOUS = "continuous", _("A measurement (for example an amount in pounds)")
    COUNT = "count", _("A count or rate (for example complaints per 1,000 households)")
    TIME_TO_EVENT = "time_to_event", _("Time until something happens (for example days until contact)")


class BetterDirection(models.TextChoices):
    HIGHER = "higher", _("Higher is better")
    LOWER = "lower", _("Lower is better")


class Design(models.TextChoices):
    RANDOMISED_INDIVIDUAL = "randomised_individual", _("Randomised by person or household")
    RANDOMISED_CLUSTER = "randomised_cluster", _("Randomised by cluster (wards, rounds, schools)")
    QUASI_RANDOM = "quasi_random", _("Quasi-random allocation (for example odd and even reference numbers)")
    BEFORE_AFTER_COMPARISON = "before_after_comparison", _("Before and after, with a comparison group")
    COMPARISON_ONLY = "comparison_only", _("Comparison with a group that did not get the change")
    BEFORE_AFTER_ONLY = "before_after_only", _("Before and after only")
    OTHER = "other", _("Other")


# Maryland Scientific Methods Scale level for each design (pilotbook.stats.rating rates evidence from it); "other"
# is not rated.
MSMS_LEVEL = {
    Design.RANDOMISED_INDIVIDUAL: 5,
    Design.RANDOMISED_CLUSTER: 5,
    Design.QUASI_RANDOM: 4,
    Design.BEFORE_AFTER_COMPARISON: 3,
    Design.COMPARISON_ONLY: 2,
    Design.BEFORE_AFTER_ONLY: 1,
    Design.OTHER: None,
}
MSMS_MEANING = {
    5: _("randomised: the strongest evidence of cause and effect"),
    4: _("quasi-random allocation"),
    3: _("before and after with a comparison group"),
    2: _("comparison with a group that did not get the change"),
    1: _("before and after only: the weakest evidence, other changes may explain the result"),
    None: _("not rated"),
}


class StoppingRule(models.TextChoices):
    """How planned interim looks may stop a pilot early (pilotbook.stats.interim)."""

    NONE = "none", _("No interim looks: analyse once, at the end")
    OBRIEN_FLEMING = "obrien_fleming", _(
        "O'Brien-Fleming: stop early only for a very clear benefit or for futility (recommended)"
    )
    POCOCK = "pocock", _("Pocock: the same bar at every look, easier to stop early, harder at the end")


class Verdict(models.TextChoices):
    """The verdict on a pilot's primary outcome. The first four are judged by Pilotbook (pilotbook.stats.verdicts) or
    reported by an imported case study's source; NOT_REPORTED only ever comes from a source (pilotbook import): it
    describes what was done but reports no measured outcome. Such a case study is published and findable, but it is
    no verdict: it is counted apart in facets and never in verdict counts, ratings or pooling."""

    WORKED = "worked", _("Worked")
    NO_WORTHWHILE_EFFECT = "no_worthwhile_effect", _("No worthwhile effect")
    MADE_WORSE = "made_worse", _("Made things worse")
    INCONCLUSIVE = "inconclusive", _("Inconclusive")
    NOT_REPORTED = "not_reported", _("Outcome not reported by the source")


# The verdicts that say something about whether a change worked (judged or reported); NOT_REPORTED says nothing.
MEASURED_VERDICTS = (Verdict.WORKED, Verdict.NO_WORTHWHILE_EFFECT, Verdict.MADE_WORSE, Verdict.INCONCLUSIVE)
