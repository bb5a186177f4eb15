"""Migration pilots 0009 (case studies that fit real sources, ADR 0011) keeps every existing pilot as it was."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("pilots", "0008_pending_upload_facts")]
AFTER = [("pilots", "0009_case_study_records")]


@pytest.mark.django_db(transaction=True)
def test_existing_pilots_keep_their_council_and_gain_empty_case_study_fields():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    council = old.get_model("councils", "Council").objects.create(
        code="MIG", official_name="Migrationshire Council", name="Migrationshire", nation="England",
        authority_type="NMD", authority_type_name="Non-metropolitan district")
    pilot = old.get_model("pilots", "Pilot").objects.create(council=council, title="Registered before 0009")
    old.get_model("pilots", "Result").objects.create(pilot=pilot, verdict="worked", estimate=1, ci_low=0.5,
                                                     ci_high=2)

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps
    migrated = new.get_model("pilots", "Pilot").objects.get(pk=pilot.pk)
    assert migrated.council_id == "MIG" and not migrated.joint_councils.exists()
    assert (migrated.organisation, migrated.country, migrated.year, migrated.source_name, migrated.further_sources,
            migrated.source_licence) == ("", "", None, "", [], "")
    result = new.get_model("pilots", "Result").objects.get(pilot_id=pilot.pk)
    assert (result.verdict, result.sample, result.stopped_early) == ("worked", "", False)

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())  # as the rest of the suite expects
