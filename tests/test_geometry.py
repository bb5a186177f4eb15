"""Plane geometry for council outlines (pilotbook/councils/geometry.py): TopoJSON, simplification, point in
polygon. No database."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pilotbook.councils.geometry import (
    METRES_PER_DEGREE_LATITUDE,
    Outline,
    simplify_arc,
    simplify_line,
    topojson_arcs,
    topojson_polygons,
)

SQUARE = [[(0.0, 50.0), (1.0, 50.0), (1.0, 51.0), (0.0, 51.0), (0.0, 50.0)]]
# A U shape: the notch between its arms (0.4 to 0.6 east, above 50.5 north) is outside.
U_SHAPE = [[(0.0, 50.0), (1.0, 50.0), (1.0, 51.0), (0.6, 51.0), (0.6, 50.5), (0.4, 50.5), (0.4, 51.0),
            (0.0, 51.0), (0.0, 50.0)]]
HOLE = [(0.4, 50.4), (0.4, 50.6), (0.6, 50.6), (0.6, 50.4), (0.4, 50.4)]


def _naive_inside(polygon, lon, lat):
    """A plain-Python even-odd ray cast, the reference for the vectorised one."""
    inside = False
    for ring in polygon:
        for (x1, y1), (x2, y2) in zip(ring, ring[1:], strict=False):
            if (y1 > lat) != (y2 > lat) and lon < x1 + (lat - y1) * (x2 - x1) / (y2 - y1):
                inside = not inside
    return inside


def test_quantised_topojson_arcs_are_decoded_from_deltas_with_the_transform():
    topology = {"transform": {"scale": [0.5, 0.25], "translate": [-2.0, 50.0]},
                "arcs": [[[0, 0], [2, 0], [0, 4]], [[4, 4], [-4, -4]]]}
    assert topojson_arcs(topology) == [[(-2.0, 50.0), (-1.0, 50.0), (-1.0, 51.0)], [(0.0, 51.0), (-2.0, 50.0)]]


def test_unquantised_topojson_arcs_are_read_as_they_are():
    assert topojson_arcs({"arcs": [[[0, 50], [1, 51]]]}) == [[(0.0, 50.0), (1.0, 51.0)]]


def test_polygon_rings_join_arcs_and_a_negative_index_means_an_arc_reversed():
    arcs = [[(0, 0), (1, 0), (1, 1)], [(0, 0), (0, 1), (1, 1)]]
    # The square's ring: arc 0 forwards, then arc 1 backwards (~1 == -2); the shared corner is kept once.
    polygons = topojson_polygons({"type": "Polygon", "arcs": [[0, -2]]}, arcs)
    assert polygons == [[[(0, 0), (1, 0), (1, 1), (0, 1), (0, 0)]]]
    assert topojson_polygons({"type": "MultiPolygon", "arcs": [[[0, -2]], [[1, -1]]]}, arcs)[1] == [
        [(0, 0), (0, 1), (1, 1), (1, 0), (0, 0)]]


def test_a_point_or_line_is_not_an_area():
    with pytest.raises(ValueError, match="LineString is not an area"):
        topojson_polygons({"type": "LineString", "arcs": [0]}, [[(0, 0), (1, 1)]])


def test_simplification_drops_points_nearer_the_line_than_the_tolerance_and_keeps_the_ends():
    # At 54.5 north, 0.0001 degrees of latitude is 11 m and 0.01 degrees is 1.1 km.
    wiggle = [(0.0, 54.5), (0.01, 54.5001), (0.02, 54.5), (0.03, 54.4999), (0.04, 54.5)]
    assert simplify_line(wiggle, 50) == [(0.0, 54.5), (0.04, 54.5)]
    # At 5 m the two 11 m bumps stay; the middle point lies on the line between them.
    assert simplify_line(wiggle, 5) == [wiggle[0], wiggle[1], wiggle[3], wiggle[4]]
    assert simplify_line(wiggle, 0) == wiggle
    peak = [(0.0, 54.5), (0.01, 54.505), (0.02, 54.51), (0.03, 54.50502), (0.04, 54.5)]  # the slopes near-straight
    assert simplify_line(peak, 50) == [(0.0, 54.5), (0.02, 54.51), (0.04, 54.5)]


def test_a_closed_arc_stays_an_area_however_much_it_is_simplified():
    ring = [(math.cos(a) * 0.01, 54.5 + math.sin(a) * 0.01) for a in np.linspace(0, 2 * math.pi, 50)[:-1]]
    ring.append(ring[0])
    simplified = simplify_arc(ring, 100_000)
    assert simplified[0] == simplified[-1]
    assert len(set(simplified)) >= 3


def test_a_point_inside_a_square_is_inside_and_one_beyond_it_is_not():
    square = Outline([SQUARE])
    assert square.contains(50.5, 0.5)
    assert not square.contains(51.5, 0.5)
    assert not square.contains(50.5, -0.5)
    assert square.bounds == (0.0, 50.0, 1.0, 51.0)


def test_a_point_in_the_notch_of_a_concave_outline_is_outside_though_inside_its_bounding_box():
    u_shape = Outline([U_SHAPE])
    assert not u_shape.contains(50.8, 0.5)
    assert u_shape.contains(50.8, 0.2)
    assert u_shape.contains(50.2, 0.5)


def test_a_point_in_a_hole_is_outside_and_any_polygon_of_several_counts():
    with_hole = Outline([[SQUARE[0], HOLE]])
    assert not with_hole.contains(50.5, 0.5)
    assert with_hole.contains(50.2, 0.2)
    islands = Outline([SQUARE, [[(2.0, 50.0), (3.0, 50.0), (3.0, 51.0), (2.0, 50.0)]]])
    assert islands.contains(50.2, 2.9)
    assert not islands.contains(50.5, 1.5)


def test_a_margin_counts_points_just_outside_the_outline_as_inside():
    square = Outline([SQUARE])
    metres_north = 300
    lat = 51.0 + metres_north / METRES_PER_DEGREE_LATITUDE
    assert not square.contains(lat, 0.5)
    assert square.contains(lat, 0.5, margin_m=500)
    assert not square.contains(lat, 0.5, margin_m=200)


def test_distances_are_in_metres_from_the_nearest_edge():
    square = Outline([SQUARE])
    one_km_north = 51.0 + 1000 / METRES_PER_DEGREE_LATITUDE
    assert square.distances_m([one_km_north], [0.5])[0] == pytest.approx(1000, rel=0.01)
    # East of the square, a degree of longitude is shorter by the cosine of the latitude.
    one_km_east = 1.0 + 1000 / (METRES_PER_DEGREE_LATITUDE * math.cos(math.radians(50.5)))
    assert square.distances_m([50.5], [one_km_east])[0] == pytest.approx(1000, rel=0.01)
    assert square.distances_m([55.0], [5.0], within_m=500)[0] == math.inf


def test_an_outline_needs_an_area():
    with pytest.raises(ValueError, match="at least one polygon"):
        Outline([[[(0, 0), (1, 1), (0, 0)]]])


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.floats(-0.2, 1.2), st.floats(49.8, 51.2)), min_size=1, max_size=200))
def test_the_vectorised_test_agrees_with_a_plain_ray_cast(points):
    polygon = [U_SHAPE[0], [(0.1, 50.1), (0.1, 50.3), (0.3, 50.3), (0.3, 50.1), (0.1, 50.1)]]
    outline = Outline([polygon])
    lons, lats = zip(*points, strict=True)
    found = outline.contains_points(lats, lons)
    assert list(found) == [_naive_inside(polygon, lon, lat) for lon, lat in points]


def test_many_points_are_tested_in_blocks_with_the_same_answers(monkeypatch):
    from pilotbook.councils import geometry

    rng = np.random.default_rng(7)
    lats, lons = 49.9 + rng.random(5_000) * 1.2, -0.1 + rng.random(5_000) * 1.2
    outline = Outline([[U_SHAPE[0], HOLE]])
    whole = outline.contains_points(lats, lons, margin_m=300)
    monkeypatch.setattr(geometry, "CELLS_PER_BLOCK", 1)  # every block the smallest: 16 points
    assert (outline.contains_points(lats, lons, margin_m=300) == whole).all()
