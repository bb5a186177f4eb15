"""The vendored council outlines: how councils are matched to ONS areas by GSS code, how the file is built, and
that every current council has an outline or is a documented exception. No database."""

import csv
import io
import json
from pathlib import Path

import pytest

from pilotbook.councils import boundaries, boundary_source
from pilotbook.councils.boundary_source import Area, match_council
from pilotbook.councils.services import COUNCILS_CSV

DATA = Path(boundaries.__file__).parent / "data"
EDINBURGH = (55.9533, -3.1883)
UCKFIELD = (50.9701, 0.0982)
HEADER = ("local-authority-code,official-name,nice-name,gss-code,former-gss-codes,current-authority\n")


def _area(code, layer="ltla", end=None):
    return Area(code=code, name=code, layer=layer, geometry={"type": "Polygon", "arcs": [[0]]}, end=end)


def test_a_council_matches_the_area_with_its_own_gss_code_preferring_the_lower_tier_when_it_is_both():
    areas = {"E06000001": [_area("E06000001", "utla"), _area("E06000001", "ltla")]}
    assert match_council("E06000001", [], areas, {}).area.layer == "ltla"


def test_a_county_matches_its_county_area():
    areas = {"E10000011": [_area("E10000011", "cty")]}
    assert match_council("E10000011", [], areas, {}).area.layer == "cty"


def test_a_council_whose_code_the_source_lacks_matches_by_a_former_code():
    areas = {"S12000015": [_area("S12000015")]}
    assert match_council("S12000047", ["S12000015"], areas, {}).area.code == "S12000015"


def test_a_code_the_source_retired_for_a_new_one_is_followed_to_the_current_area():
    areas = {"E08000016": [_area("E08000016", end=2024)], "E08000038": [_area("E08000038")]}
    match = match_council("E08000016", [], areas, {"E08000016": "E08000038"})
    assert match.area.code == "E08000038" and match.note == ""


def test_an_area_the_source_has_ended_is_used_as_it_was_and_says_so():
    areas = {"E47000011": [_area("E47000011", "cauth", end=2023)]}
    match = match_council("E47000011", [], areas, {})
    assert match.area.code == "E47000011"
    assert match.note == "the source ends E47000011 after 2023: the outline is its area then"


def test_the_greater_london_authority_takes_the_london_region():
    areas = {"E12000007": [_area("E12000007", "rgn")]}
    assert match_council("E61000001", [], areas, {}).area.code == "E12000007"


def test_a_council_the_source_has_no_area_for_matches_nothing():
    assert match_council("W06000001", ["W05000001"], {"E06000001": [_area("E06000001")]}, {}) is None


def test_only_changes_of_code_are_followed_not_mergers():
    changes = ("oldcd,oldnm,newcd,newnm,type,start\n"
               "E08000016,Barnsley,E08000038,Barnsley,new_code,2025\n"
               "E07000026,Allerdale,E06000063,Cumberland,merger,2023\n")
    assert boundary_source.read_new_codes("\ufeff" + changes) == {"E08000016": "E08000038"}


def test_building_shares_each_simplified_border_between_neighbours_and_lists_councils_without_an_outline():
    # Two squares side by side, both wound clockwise as TopoJSON's are, sharing the border arc 1 (with a wiggle
    # that simplification removes).
    topology = {
        "arcs": [
            [[0.1, 50.0], [0.0, 50.0], [0.0, 50.1], [0.1, 50.1]],  # west square's outer edges
            [[0.1, 50.1], [0.10002, 50.05], [0.1, 50.0]],  # shared border, with a 1.4 m wiggle
            [[0.1, 50.1], [0.2, 50.1], [0.2, 50.0], [0.1, 50.0]],  # east square's outer edges
        ],
        "objects": {"ltla": {"type": "GeometryCollection", "geometries": [
            {"type": "Polygon", "arcs": [[0, 1]], "properties": {"areacd": "E07000001", "areanm": "West"}},
            {"type": "Polygon", "arcs": [[2, -2]], "properties": {"areacd": "E07000002", "areanm": "East"}},
        ]}},
    }
    councils = (HEADER + "WST,West District Council,West,E07000001,,True\n"
                "EST,East District Council,East,E07000002,,True\n"
                "GNE,Gone District Council,Gone,E07000003,,False\n"
                "NEW,New District Council,New,E07000009,,True\n")
    built = boundary_source.build(topology, "oldcd,oldnm,newcd,newnm,type,start\n", councils)
    assert [f["id"] for f in built.features] == ["EST", "WST"]
    assert built.unmatched == {"NEW": "the source has no area with GSS code E07000009"}
    east, west = ({tuple(p) for p in f["geometry"]["coordinates"][0][0]} for f in built.features)
    assert west & east == {(0.1, 50.0), (0.1, 50.1)}  # the wiggle went from both, so the border still matches
    for feature in built.features:
        ring = feature["geometry"]["coordinates"][0][0]
        assert ring[0] == ring[-1]
        assert sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(ring, ring[1:], strict=False)) > 0  # RFC 7946
    assert built.features[1]["properties"] == {
        "code": "WST", "name": "West", "gss_code": "E07000001", "area_code": "E07000001", "area_name": "West",
        "area_kind": "ltla"}
    collection = json.loads(boundary_source.dumps(boundary_source.feature_collection(built, ["Source: test"])))
    assert collection["type"] == "FeatureCollection" and len(collection["features"]) == 2
    assert collection["without_outline"] == {"NEW": "the source has no area with GSS code E07000009"}


# The vendored file --------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def vendored():
    return json.loads(boundaries.BOUNDARIES_FILE.read_text(encoding="utf-8"))


def test_every_current_council_has_an_outline_or_is_a_documented_exception(vendored):
    current = {row["local-authority-code"] for row in csv.DictReader(io.StringIO(COUNCILS_CSV.read_text()))
               if row["current-authority"] == "True"}
    outlined = {feature["id"] for feature in vendored["features"]}
    exceptions = set(vendored["without_outline"])
    assert current - outlined <= exceptions, "a current council has no outline and is not listed as an exception"
    readme = (DATA / "README.md").read_text()
    for code in exceptions:
        assert code in readme, f"{code} has no outline: say why in pilotbook/councils/data/README.md"
    assert len(outlined & current) == 397  # all of mySociety's current councils, as built (the README says so)


def test_the_vendored_file_stays_small_and_carries_its_source_and_attribution(vendored):
    assert boundaries.BOUNDARIES_FILE.stat().st_size < 2_000_000
    assert vendored["attribution"] == boundaries.ATTRIBUTION
    assert vendored["source"]["commit"] == boundary_source.SOURCE["commit"]
    readme = (DATA / "README.md").read_text()
    assert boundary_source.SOURCE["commit"] in readme
    for line in boundaries.ATTRIBUTION:
        assert line in readme


@pytest.mark.parametrize(("code", "place", "inside"), [
    ("WEA", UCKFIELD, True), ("WEA", EDINBURGH, False), ("EDH", EDINBURGH, True), ("EDH", UCKFIELD, False),
    ("ESX", UCKFIELD, True),  # East Sussex County Council's area holds Wealden's
    ("DBY", (52.9225, -1.4746), False),  # Derby is a hole in Derbyshire: a unitary authority of its own
    ("DER", (52.9225, -1.4746), True),
    ("GLA", (51.5074, -0.1278), True), ("CRF", (51.4816, -3.1791), True), ("BFS", (54.5973, -5.9301), True),
    ("BNS", (53.5526, -1.4797), True),  # Barnsley: its GSS code changed in 2025, followed to the new one
])
def test_known_places_fall_inside_their_councils_and_not_others(code, place, inside):
    assert boundaries.boundary(code).outline.contains(*place) is inside


def test_an_unknown_code_has_no_outline():
    assert boundaries.boundary("ZZZ") is None
    assert not boundaries.has_outline("ZZZ")
    assert boundaries.boundary("wea").code == "WEA"
