"""The registry's forms: `plan` (the question pages of registration), `lifecycle` (ending early, publishing,
the result and sharing) and `browse` (the browse page's filters, which the API reuses). Measuring and the power
calculator keep their own modules beside this package."""

from .browse import PilotFilterForm
from .lifecycle import EndEarlyForm, FiniteDecimalField, PublishForm, ReasonForm, ResultForm, SharingForm, lesson_field
from .plan import (
    MAX_INTERIM_LOOKS,
    STEP_BY_SLUG,
    STEPS,
    AmendmentDetailsForm,
    CouncilChoiceForm,
    IdeaForm,
    PlanStepForm,
    Step,
    form_fields,
    next_step,
)

__all__ = [
    "MAX_INTERIM_LOOKS", "STEP_BY_SLUG", "STEPS", "AmendmentDetailsForm", "CouncilChoiceForm", "EndEarlyForm",
    "FiniteDecimalField", "IdeaForm", "PilotFilterForm", "PlanStepForm", "PublishForm", "ReasonForm", "ResultForm",
    "SharingForm", "Step", "form_fields", "lesson_field", "next_step",
]
