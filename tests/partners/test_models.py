"""Pilotbook lists organisations that can notice vulnerable residents, never the residents themselves."""

import re

from django.apps import apps

from pilotbook.partners.presenters import marker_svg, money, share, stage_tag_class
from pilotbook.partners.sectors import MAINTAINED_SECTORS

# Words that would mean a field describes a person who lives in the area.
PERSONAL = re.compile(r"resident_name|date_of_birth|dob|nhs_number|ni_number|national_insurance|"
                      r"first_name|last_name|surname|phone|mobile|home_address|household|client|patient|"
                      r"person|vulnerab", re.IGNORECASE)


def test_no_partner_model_field_holds_personal_data_about_residents():
    for model in apps.get_app_config("partners").get_models():
        for field in model._meta.get_fields():
            assert not PERSONAL.search(field.name), f"{model.__name__}.{field.name} looks like personal data"


def test_the_maintained_sectors_are_the_issue_list_with_unique_symbols():
    names = {name for _slug, name, *_rest in MAINTAINED_SECTORS}
    for wanted in ("Bus and transport operators", "Waste and street-cleaning crews", "Pharmacies", "GP surgeries",
                   "Post offices and delivery", "Fire and rescue", "Police", "Housing associations", "Libraries",
                   "Voluntary and community groups", "Faith groups", "Schools", "Retailers", "Job centres"):
        assert wanted in names
    symbols = [(colour, shape) for _s, _n, colour, shape, *_r in MAINTAINED_SECTORS]
    assert len(set(symbols)) == len(symbols)


def test_marker_svg_is_decorative_and_escapes_the_colour():
    svg = marker_svg("star", '"><script>')
    assert 'aria-hidden="true"' in svg and "<script>" not in svg and "<polygon" in svg


def test_money_share_and_stage_tags():
    assert money(None) == "not reported"
    assert share(0.5) == "50%" and share(None) == "none to compare"
    assert stage_tag_class("reviewed") == "govuk-tag--green"


def test_demo_partners_load_twice_without_duplicates(db):
    from django.core.management import call_command

    from pilotbook.partners.models import Partner, Partnership
    from tests.factories import CouncilFactory

    CouncilFactory(code="WEA", name="Wealden")
    CouncilFactory(code="LDS", name="Leeds")
    call_command("load_demo_partners")
    call_command("load_demo_partners")
    assert Partner.objects.count() == 9
    assert Partnership.objects.count() == 3
