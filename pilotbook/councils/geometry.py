"""Plane geometry for council outlines: reading TopoJSON, simplifying lines, and testing whether points fall
inside an outline. No Django here; tested in tests/test_geometry.py.

Coordinates are longitude, latitude in degrees (WGS 84, as GeoJSON orders them). Distances are in metres on a
local flat projection (a degree of longitude shrinks with the cosine of the latitude): good to well under 1% over
a council, which is far finer than the 200 m generalised boundaries it is used on.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

Point = tuple[float, float]  # longitude, latitude
Ring = list[Point]  # closed: the last point repeats the first
Polygon = list[Ring]  # the outer ring, then any holes
METRES_PER_DEGREE_LATITUDE = 111_320.0
CELLS_PER_BLOCK = 1_000_000  # points x edges compared at once: bounds the memory of the vectorised tests (8 MB)


# TopoJSON ---------------------------------------------------------------------------------------------------

def topojson_arcs(topology: dict) -> list[list[Point]]:
    """Every arc of a TopoJSON topology as absolute longitude, latitude points (quantised arcs are delta-encoded
    and scaled by the topology's transform)."""
    transform = topology.get("transform")
    arcs = []
    for arc in topology["arcs"]:
        if transform:
            (sx, sy), (tx, ty) = transform["scale"], transform["translate"]
            x = y = 0
            points = []
            for dx, dy, *_rest in arc:
                x, y = x + dx, y + dy
                points.append((x * sx + tx, y * sy + ty))
        else:
            points = [(float(p[0]), float(p[1])) for p in arc]
        arcs.append(points)
    return arcs


def topojson_polygons(geometry: dict, arcs: Sequence[Sequence[Point]]) -> list[Polygon]:
    """A TopoJSON Polygon or MultiPolygon as a list of polygons of closed rings. Arc index ~i (that is -i-1)
    means arc i reversed; consecutive arcs share their joining point, which is kept once."""
    if geometry["type"] == "Polygon":
        polygons = [geometry["arcs"]]
    elif geometry["type"] == "MultiPolygon":
        polygons = geometry["arcs"]
    else:
        raise ValueError(f"{geometry['type']} is not an area")
    return [[_ring(indexes, arcs) for indexes in polygon] for polygon in polygons]


def _ring(indexes: Iterable[int], arcs: Sequence[Sequence[Point]]) -> Ring:
    ring: Ring = []
    for index in indexes:
        points = list(arcs[index]) if index >= 0 else list(reversed(arcs[~index]))
        ring.extend(points if not ring else points[1:])
    return ring


# Simplification ---------------------------------------------------------------------------------------------

def _metres(points: Sequence[Point], latitude: float) -> np.ndarray:
    scale = np.array([METRES_PER_DEGREE_LATITUDE * math.cos(math.radians(latitude)), METRES_PER_DEGREE_LATITUDE])
    return np.asarray(points, dtype=float) * scale


def simplify_line(points: Sequence[Point], tolerance_m: float) -> list[Point]:
    """Douglas-Peucker: drop every point closer than tolerance_m to the line kept around it. The two ends are kept,
    so lines that meet at their ends (the shared borders of neighbouring councils) still meet."""
    if len(points) < 3 or tolerance_m <= 0:
        return list(points)
    xy = _metres(points, float(np.mean([p[1] for p in points])))
    keep = np.zeros(len(points), dtype=bool)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        if last - first < 2:
            continue
        distances = _distances_to_segment(xy[first + 1:last], xy[first], xy[last])
        farthest = int(np.argmax(distances))
        if distances[farthest] > tolerance_m:
            middle = first + 1 + farthest
            keep[middle] = True
            stack += [(first, middle), (middle, last)]
    return [point for point, kept in zip(points, keep, strict=True) if kept]


def simplify_arc(points: Sequence[Point], tolerance_m: float) -> list[Point]:
    """simplify_line for an arc that may be a closed ring (an island): such a ring is split at the point farthest
    from its start, so it keeps at least three distinct points and stays an area."""
    if len(points) > 3 and points[0] == points[-1]:
        xy = _metres(points, float(np.mean([p[1] for p in points])))
        far = int(np.argmax(((xy - xy[0]) ** 2).sum(axis=1)))
        ring = simplify_line(points[:far + 1], tolerance_m)[:-1] + simplify_line(points[far:], tolerance_m)
        if len(ring) < 4:  # only the start and the far point are left: keep the point farthest from both
            wide = int(np.argmax(_distances_to_segment(xy, xy[0], xy[far])))
            ring = [points[i] for i in sorted({0, far, wide})] + [points[0]]
        return ring
    return simplify_line(points, tolerance_m)


def _distances_to_segment(points: np.ndarray, start: np.ndarray, end: np.ndarray) -> np.ndarray:
    """Distance of each point (n x 2) from the segment start-end, in the points' units."""
    direction = end - start
    length = float(direction @ direction)
    if length == 0:
        return np.hypot(*(points - start).T)
    along = np.clip(((points - start) @ direction) / length, 0.0, 1.0)
    return np.hypot(*(points - (start + along[:, None] * direction)).T)


# Point in polygon -------------------------------------------------------------------------------------------

@dataclass
class _Part:
    """One polygon of an outline: its rings as arrays of edges, and its bounding box."""

    rings: list[np.ndarray]  # each an (n, 2) array of a closed ring's points
    west: float
    south: float
    east: float
    north: float


class Outline:
    """An area made of polygons (each with any holes), tested point by point.

    `contains_points` first keeps the points inside a polygon's bounding box, then casts a ray from each of them
    (even-odd rule: a point is inside when a ray from it crosses the polygon's rings an odd number of times).
    With margin_m, a point outside but within that distance of the outline counts as inside: boundaries that
    are generalised (straightened) to 200 m, or clipped at the coastline, would otherwise turn a place on the
    border or on the quayside into a false alarm.
    """

    def __init__(self, polygons: Sequence[Sequence[Sequence[Sequence[float]]]]):
        self.parts: list[_Part] = []
        for polygon in polygons:
            rings = [np.asarray(ring, dtype=float)[:, :2] for ring in polygon if len(ring) >= 4]
            if not rings:
                continue
            outer = rings[0]
            self.parts.append(_Part(rings, float(outer[:, 0].min()), float(outer[:, 1].min()),
                                    float(outer[:, 0].max()), float(outer[:, 1].max())))
        if not self.parts:
            raise ValueError("an outline needs at least one polygon with three corners")

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        """West, south, east, north."""
        return (min(p.west for p in self.parts), min(p.south for p in self.parts),
                max(p.east for p in self.parts), max(p.north for p in self.parts))

    def contains(self, latitude: float, longitude: float, margin_m: float = 0.0) -> bool:
        return bool(self.contains_points([latitude], [longitude], margin_m)[0])

    def contains_points(self, latitudes: Sequence[float], longitudes: Sequence[float],
                        margin_m: float = 0.0) -> np.ndarray:
        """For each point, whether it is inside (or within margin_m of) the outline."""
        lat = np.asarray(latitudes, dtype=float)
        lon = np.asarray(longitudes, dtype=float)
        inside = np.zeros(lat.shape, dtype=bool)
        for part in self.parts:
            candidates = np.flatnonzero(~inside & (lon >= part.west) & (lon <= part.east)
                                        & (lat >= part.south) & (lat <= part.north))
            if candidates.size:
                inside[candidates] = _ray_cast(part.rings, lon[candidates], lat[candidates])
        if margin_m > 0:
            outside = np.flatnonzero(~inside)
            if outside.size:
                inside[outside] = self.distances_m(lat[outside], lon[outside], within_m=margin_m) <= margin_m
        return inside

    def distances_m(self, latitudes: Sequence[float], longitudes: Sequence[float],
                    within_m: float = math.inf) -> np.ndarray:
        """Each point's distance in metres from the nearest edge of the outline. Points farther than within_m from
        every polygon's bounding box are not measured: their distance is given as infinity."""
        lat = np.asarray(latitudes, dtype=float)
        lon = np.asarray(longitudes, dtype=float)
        best = np.full(lat.shape, np.inf)
        pad_lat = within_m / METRES_PER_DEGREE_LATITUDE if math.isfinite(within_m) else np.inf
        for part in self.parts:
            pad_lon = pad_lat / max(math.cos(math.radians(max(abs(part.south), abs(part.north)))), 0.01)
            near = np.flatnonzero((lon >= part.west - pad_lon) & (lon <= part.east + pad_lon)
                                  & (lat >= part.south - pad_lat) & (lat <= part.north + pad_lat))
            for ring in part.rings:
                size = _block(ring)
                for start in range(0, near.size, size):
                    block = near[start:start + size]
                    best[block] = np.minimum(best[block], _ring_distances(ring, lon[block], lat[block]))
        return best


def _block(ring: np.ndarray) -> int:
    return max(16, CELLS_PER_BLOCK // len(ring))


def _ray_cast(rings: list[np.ndarray], x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Even-odd test of points (x, y) against a polygon's rings, in blocks of points."""
    odd = np.zeros(x.shape, dtype=bool)
    for ring in rings:
        x1, y1, x2, y2 = ring[:-1, 0], ring[:-1, 1], ring[1:, 0], ring[1:, 1]
        size = _block(ring)
        for start in range(0, x.size, size):
            px, py = x[start:start + size, None], y[start:start + size, None]
            spans = (y1 > py) != (y2 > py)  # the edge crosses the horizontal line through the point
            with np.errstate(divide="ignore", invalid="ignore"):
                crossing_x = x1 + (py - y1) * (x2 - x1) / (y2 - y1)
            odd[start:start + size] ^= (np.count_nonzero(spans & (px < crossing_x), axis=1) % 2).astype(bool)
    return odd


def _ring_distances(ring: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Distance in metres of each point from the nearest edge of a ring (flat projection at each point)."""
    scale_x = METRES_PER_DEGREE_LATITUDE * np.cos(np.radians(y))[:, None]
    ax = (ring[:-1, 0] - x[:, None]) * scale_x
    ay = (ring[:-1, 1] - y[:, None]) * METRES_PER_DEGREE_LATITUDE
    bx = (ring[1:, 0] - x[:, None]) * scale_x
    by = (ring[1:, 1] - y[:, None]) * METRES_PER_DEGREE_LATITUDE
    dx, dy = bx - ax, by - ay
    length = dx * dx + dy * dy
    with np.errstate(divide="ignore", invalid="ignore"):
        along = np.where(length > 0, np.clip(-(ax * dx + ay * dy) / length, 0.0, 1.0), 0.0)
    return np.hypot(ax + along * dx, ay + along * dy).min(axis=1)
