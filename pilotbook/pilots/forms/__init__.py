"""The registry's forms: `plan` (the question pages of registration) and `lifecycle` (ending early, publishing,
the result and sharing). Measuring and the power calculator keep their own modules beside this package."""

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
    next_step,
)

__all__ = [
    "MAX_INTERIM_LOOKS", "STEP_BY_SLUG", "STEPS", "AmendmentDetailsForm", "CouncilChoiceForm", "EndEarlyForm",
    "FiniteDecimalField", "IdeaForm", "PlanStepForm", "PublishForm", "ReasonForm", "ResultForm", "SharingForm",
    "Step", "lesson_field", "next_step",
]
