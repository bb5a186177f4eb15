"""Background jobs for the pilot registry (run by `pilotbook worker`, ADR 0004)."""

from django_tasks import task

from . import measure


@task()
def purge_stale_uploads() -> int:
    """Uploaded outcome data may hold personal data: delete any upload left unmapped past its keep time."""
    return measure.purge_stale_uploads()
