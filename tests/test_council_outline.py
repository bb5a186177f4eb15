"""A council's outline for maps: /councils/<code>/outline.geojson (pilotbook.councils.views.council_outline)."""

import json

from django.urls import reverse

from pilotbook.councils import boundaries


def test_the_outline_is_a_geojson_feature_with_its_attribution_cached_by_browsers_and_shared_caches(client):
    response = client.get(reverse("council-outline", args=["WEA"]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    assert "public" in response["Cache-Control"] and "max-age=86400" in response["Cache-Control"]
    assert response["ETag"]
    assert "Cookie" not in response.get("Vary", "")  # the same for everyone: no session is read
    feature = json.loads(response.content)
    assert feature["type"] == "Feature" and feature["id"] == "WEA"
    assert feature["geometry"]["type"] == "MultiPolygon"
    assert feature["properties"]["attribution"] == (
        "Source: Office for National Statistics licensed under the Open Government Licence v.3.0. "
        "Contains OS data © Crown copyright and database right 2016.")
    assert len(response.content) < 20_000  # one council, not the whole file


def test_a_browser_that_has_the_outline_gets_not_modified(client):
    url = reverse("council-outline", args=["WEA"])
    etag = client.get(url)["ETag"]
    again = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again.content == b""
    assert client.get(reverse("council-outline", args=["LDS"]), HTTP_IF_NONE_MATCH=etag).status_code == 200


def test_the_code_is_read_in_any_case(client):
    assert json.loads(client.get("/councils/wea/outline.geojson").content)["id"] == "WEA"


def test_an_unknown_council_is_not_found_with_a_message_and_a_short_cache(client):
    response = client.get(reverse("council-outline", args=["ZZZ"]))
    assert response.status_code == 404
    assert json.loads(response.content) == {"error": "Pilotbook has no outline for a council with the code ZZZ."}
    assert "max-age=300" in response["Cache-Control"]
    assert "ETag" not in response


def test_a_hostile_code_is_not_found_and_not_remembered(client):
    boundaries._boundary.cache_clear()
    for code in ("x" * 500, "WEA'--", "WEAX"):
        assert client.get(f"/councils/{code}/outline.geojson").status_code == 404
    assert boundaries._boundary.cache_info().currsize == 0


def test_only_reading_is_allowed(client):
    assert client.post(reverse("council-outline", args=["WEA"])).status_code == 405
    assert client.head(reverse("council-outline", args=["WEA"])).status_code == 200
