"""Reading OpenStreetMap data: GeoJSON from overpass turbo or osmtogeojson, or Overpass API JSON with `out center`,
`out bb` or `out geom`, with the Open Database Licence notice it carries."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.utils.translation import gettext as _

from pilotbook.partners.orgid import validate_org_id
from pilotbook.partners.records import LocationRecord, Parsed, PartnerRecord

from .fields import UnreadableFile, _kind, _number, _object, _objects, _short, _text, _wrong

# OpenStreetMap tags -> sector slug, first match wins. Values of None match any value of the key.
OSM_TAG_SECTORS: list[tuple[str, str | None, str]] = [
    ("amenity", "pharmacy", "pharmacies"),
    ("healthcare", "pharmacy", "pharmacies"),
    ("shop", "chemist", "pharmacies"),
    ("amenity", "doctors", "gp-surgeries"),
    ("healthcare", "doctor", "gp-surgeries"),
    ("amenity", "post_office", "post-delivery"),
    ("amenity", "post_depot", "post-delivery"),
    ("highway", "bus_stop", "bus-transport"),
    ("amenity", "bus_station", "bus-transport"),
    ("public_transport", "station", "bus-transport"),
    ("amenity", "recycling", "waste-street-cleaning"),
    ("amenity", "waste_transfer_station", "waste-street-cleaning"),
    ("amenity", "waste_disposal", "waste-street-cleaning"),
    ("amenity", "fire_station", "fire-rescue"),
    ("amenity", "police", "police"),
    ("amenity", "library", "libraries"),
    ("amenity", "school", "schools"),
    ("amenity", "place_of_worship", "faith-groups"),
    ("office", "employment_agency", "job-centres"),
    ("amenity", "social_facility", "voluntary-community"),
    ("amenity", "community_centre", "voluntary-community"),
    ("office", "charity", "voluntary-community"),
    ("office", "ngo", "voluntary-community"),
    ("shop", None, "retailers"),
]
# OSM keys holding registry numbers -> org-id prefix.
OSM_ID_TAGS = {"ref:GB:nhs": "GB-NHS", "ref:edubase": "GB-EDU", "ref:GB:charity": "GB-CHC"}


# OpenStreetMap data is under the Open Database Licence: whoever shows it must say so. Overpass API output
# carries this notice in osm3s.copyright and overpass turbo's GeoJSON in copyright; a file without one (from
# osmtogeojson) gets the same words, since every record in it came from OpenStreetMap.
OSM_NOTICE = ("The data included in this document is from www.openstreetmap.org. The data is made available "
              "under ODbL.")
MAX_NOTICE = 500


def _osm_notice(container: dict, key: str, where: str = "") -> str:
    try:
        notice = _text(container, key, where)
    except ValueError as exc:
        raise UnreadableFile(_("The file cannot be read: %(problem)s.") % {"problem": exc}) from None
    if len(notice) > MAX_NOTICE:
        raise UnreadableFile(_("The file cannot be read: its copyright notice is longer than %(n)s characters.")
                             % {"n": MAX_NOTICE})
    return notice or OSM_NOTICE


def parse_overpass(document: dict) -> Parsed:
    """Overpass API JSON: nodes with their position; ways and relations with `out center` (a centre), `out bb`
    (bounds) or `out geom` (their geometry), each reduced to the centre of its bounds as `out center` gives."""
    parsed = Parsed(format="osm")
    elements = document["elements"]
    if not isinstance(elements, list):
        raise UnreadableFile(_("The file cannot be read: elements must be a list of OpenStreetMap elements, not "
                               "%(kind)s.") % {"kind": _kind(elements)})
    osm3s = document.get("osm3s")
    notice = _osm_notice(osm3s, "copyright", "osm3s") if isinstance(osm3s, dict) else OSM_NOTICE
    for number, element in enumerate(elements):
        where = f"elements[{number}]"
        if not isinstance(element, dict):
            parsed.error(where, _("it is not an OpenStreetMap element object (it is %(kind)s)")
                         % {"kind": _kind(element)})
            continue
        kind = element.get("type")
        if kind not in ("node", "way", "relation"):
            # Overpass also answers with areas and counts, which are not places.
            parsed.skipped.append(_("%(where)s: type %(type)s is not a place (node, way or relation)")
                                  % {"where": where, "type": _short(kind)})
            continue
        label = where
        try:
            label = osm_id = f"{kind}/{_text(element, 'id', where)}"
            tags = _object(element, "tags")
            if not tags:
                continue  # untagged nodes are the corners of ways, not places
            position = _osm_position(element)
            if position is None:
                parsed.error(osm_id, _("it has no position: ask Overpass for `out center;` (or `out geom;`) so "
                                       "ways and relations have one"))
                continue
            _osm_add(parsed, osm_id, _osm_tags(tags, "tags"), *position, notice=notice)
        except ValueError as exc:
            parsed.error(label, str(exc))
    return parsed


def _osm_position(element: dict) -> tuple[float, float] | None:
    """A node's position, or the centre of a way's or relation's bounds: given by Overpass (`out center`),
    from its bounds (`out bb`), or from the bounds of its geometry (`out geom`)."""
    if "lat" in element or "lon" in element:
        return _number(element.get("lat"), "lat"), _number(element.get("lon"), "lon")
    if element.get("center") is not None:
        centre = _object(element, "center")
        return _number(centre.get("lat"), "center.lat"), _number(centre.get("lon"), "center.lon")
    if element.get("bounds") is not None:
        bounds = _object(element, "bounds")
        south, west, north, east = (_number(bounds.get(key), f"bounds.{key}")
                                    for key in ("minlat", "minlon", "maxlat", "maxlon"))
        return (south + north) / 2, (west + east) / 2
    points = _geometry_points(element, "")
    if not points:
        return None
    latitudes, longitudes = [lat for lat, _lon in points], [lon for _lat, lon in points]
    return (min(latitudes) + max(latitudes)) / 2, (min(longitudes) + max(longitudes)) / 2


def _geometry_points(element: dict, where: str) -> list[tuple[float, float]]:
    """Every point of an `out geom` way (geometry) or relation (its members' geometry, or a member node's
    position). A point Overpass leaves null (outside the query's bounding box) is not a point."""
    field = f"{where}.geometry" if where else "geometry"
    geometry = element.get("geometry")
    if geometry is not None and not isinstance(geometry, list):
        raise _wrong(where, "geometry", _("a list"), geometry)
    points = []
    for number, point in enumerate(geometry or []):
        if point is None:
            continue
        if not isinstance(point, dict):
            raise _wrong("", f"{field}[{number}]", _("an object"), point)
        points.append((_number(point.get("lat"), f"{field}[{number}].lat"),
                       _number(point.get("lon"), f"{field}[{number}].lon")))
    for member_where, member in _objects(element, "members", where):
        if "lat" in member or "lon" in member:
            points.append((_number(member.get("lat"), f"{member_where}.lat"),
                           _number(member.get("lon"), f"{member_where}.lon")))
        else:
            points += _geometry_points(member, member_where)
    return points


def parse_geojson(document: dict) -> Parsed:
    parsed = Parsed(format="osm")
    features = document.get("features")
    if features is not None and not isinstance(features, list):
        raise UnreadableFile(_("The file cannot be read: features must be a list of GeoJSON features, not "
                               "%(kind)s.") % {"kind": _kind(features)})
    notice = _osm_notice(document, "copyright")
    for number, feature in enumerate(features or []):
        where = f"features[{number}]"
        if not isinstance(feature, dict):
            parsed.error(where, _("it is not a GeoJSON feature object (it is %(kind)s)") % {"kind": _kind(feature)})
            continue
        try:
            properties = _object(feature, "properties", where)
            osm_id = (_text(feature, "id", where) or _text(properties, "@id", f"{where}.properties")
                      or _text(properties, "id", f"{where}.properties"))
            if "/" not in osm_id:
                parsed.error(where, _("it has no OpenStreetMap id such as node/123 (export it from overpass "
                                      "turbo)"))
                continue
            if properties.get("tags") is not None:  # osmtogeojson's nested form
                tags = _osm_tags(_object(properties, "tags", f"{where}.properties"), f"{where}.properties.tags")
            else:  # overpass turbo's flat form: the tags are the properties
                tags = _osm_tags({k: v for k, v in properties.items() if not k.startswith("@") and k != "id"},
                                 f"{where}.properties")
        except ValueError as exc:
            parsed.error(where, str(exc))
            continue
        try:
            lat, lon = _centre(feature.get("geometry") or {})
        except (ValueError, TypeError, IndexError, KeyError, ZeroDivisionError):
            parsed.error(osm_id, _("its geometry has no usable coordinates"))
            continue
        _osm_add(parsed, osm_id, tags, lat, lon, notice=notice)
    return parsed


def _centre(geometry: dict) -> tuple[float, float]:
    kind, coords = geometry["type"], geometry["coordinates"]
    points = {"Point": lambda c: [c], "LineString": lambda c: c, "Polygon": lambda c: c[0],
              "MultiPolygon": lambda c: c[0][0]}[kind](coords)
    lon = sum(float(p[0]) for p in points) / len(points)
    lat = sum(float(p[1]) for p in points) / len(points)
    return lat, lon


def osm_sector(tags: dict) -> str:
    if "jobcentre" in str(tags.get("name", "")).lower().replace(" ", ""):
        return "job-centres"
    for key, value, slug in OSM_TAG_SECTORS:
        if key in tags and (value is None or tags[key] == value):
            return slug
    return ""


def _osm_tags(tags: dict, where: str) -> dict[str, str]:
    """OpenStreetMap tags as text; a tag whose value is a list, an object or true/false is an error."""
    return {str(key): _text(tags, key, where) for key in tags}


def _osm_add(parsed: Parsed, osm_id: str, tags: dict[str, str], lat: float, lon: float, *, notice: str) -> None:
    sector = osm_sector(tags)
    if not sector:
        what = ", ".join(f"{k}={v}" for k, v in list(tags.items())[:3])
        parsed.skipped.append(_("%(id)s (%(tags)s): no sector for these tags") % {"id": osm_id, "tags": what})
    location = LocationRecord(latitude=lat, longitude=lon, name=tags.get("name", "")[:200],
                              address_1=" ".join(filter(None, [tags.get("addr:housenumber"),
                                                               tags.get("addr:street")])),
                              city=tags.get("addr:city") or tags.get("addr:town", ""),
                              postal_code=tags.get("addr:postcode", "").upper()[:10])
    parsed.records.append(PartnerRecord(
        label=osm_id, name=_osm_name(tags, osm_id), sector=sector, osm_id=osm_id,
        identifier=_valid_or_blank(validate_org_id, next(
            (f"{prefix}-{tags[key]}" for key, prefix in OSM_ID_TAGS.items() if tags.get(key)), "")),
        website=_valid_or_blank(URLValidator(schemes=["http", "https"]),
                                tags.get("website") or tags.get("contact:website", "")),
        email=_valid_or_blank(EmailValidator(), tags.get("email") or tags.get("contact:email", "")),
        locations=[location],
        description=tags.get("description", ""), attribution=notice,
    ))


def _valid_or_blank(check, value: str) -> str:
    """OpenStreetMap tags are crowd-sourced: a malformed website or number is dropped, not an error."""
    try:
        check(value)
    except ValidationError:
        return ""
    return value


def _osm_name(tags: dict, osm_id: str) -> str:
    if tags.get("name"):
        return tags["name"][:200]
    if tags.get("highway") == "bus_stop":
        # A stop mapped from NaPTAN often has its name only in naptan:CommonName; naptan:Indicator ("opp",
        # "Stop A") tells apart the stops that share one. An operator's or brand's name is not the stop's.
        common, indicator = tags.get("naptan:CommonName"), tags.get("naptan:Indicator")
        if common:
            return (f"{common} ({indicator})" if indicator else common)[:200]
        return _("Bus stop %(ref)s") % {"ref": tags.get("naptan:AtcoCode") or tags.get("ref") or osm_id}
    name = tags.get("brand") or tags.get("operator")
    if name:
        return name[:200]
    kind = next((f"{k}={v}" for k, v in tags.items() if k in ("amenity", "shop", "office", "healthcare")), "")
    return f"{kind or _('Unnamed place')} ({osm_id})"
