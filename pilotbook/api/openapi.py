"""The OpenAPI 3.1 description of the read API, written by hand (it is small) and served at /api/openapi.json.

tests/api/test_openapi.py checks that every API URL has a path here with its parameters, and that the
responses the API really gives validate against the schemas here.
"""

from __future__ import annotations

from pilotbook.evidence.search import MAX_QUERY_LENGTH
from pilotbook.pilots.choices import Design, InterventionType, ServiceArea, Status

from .records import LICENCE_NAME, LICENCE_URL
from .schema import SCHEMA_PATH, pilot_schema


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _json_response(description: str, schema: dict) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _query(name: str, description: str, schema: dict) -> dict:
    return {"name": name, "in": "query", "required": False, "description": description, "schema": schema}


def _path_param(name: str, schema: dict, description: str) -> dict:
    return {"name": name, "in": "path", "required": True, "description": description, "schema": schema}


ERRORS = {
    "400": {"$ref": "#/components/responses/BadParameters"},
    "405": {"$ref": "#/components/responses/ReadOnly"},
}
NOT_FOUND = {"404": {"$ref": "#/components/responses/NotFound"}}


def _pilot_component() -> dict:
    schema = {k: v for k, v in pilot_schema().items() if k not in ("$schema", "$id")}
    schema["description"] = schema["description"] + f" Also published as a JSON Schema at {SCHEMA_PATH}."
    return schema


def _council_component() -> dict:
    text = {"type": "string"}
    return {
        "type": "object",
        "properties": {
            "code": text, "name": text, "official_name": text, "nation": text, "region": text, "gss_code": text,
            "authority_type": text, "authority_type_name": text, "is_current": {"type": "boolean"},
            "url": {"type": "string", "format": "uri"},
            "pilots": {"type": "integer", "minimum": 0,
                       "description": "Pilots you may see whose council you may know, with the case studies it ran "
                                      "together with other councils."},
            "pilots_url": {"type": "string", "format": "uri"},
        },
        "required": ["code", "name", "official_name", "nation", "region", "gss_code", "authority_type",
                     "authority_type_name", "is_current", "url", "pilots", "pilots_url"],
        "additionalProperties": False,
    }


def _pooled_component(detail: bool) -> dict:
    number = {"type": ["number", "null"]}
    properties = {
        "slug": {"type": "string"}, "title": {"type": "string"}, "description": {"type": "string"},
        "service_area": {"type": ["string", "null"]}, "intervention_type": {"type": ["string", "null"]},
        "outcome": {"type": "string"},
        "measure": {"type": "string", "enum": ["GENERIC", "RR", "OR", "RD", "MD", "SMD"]},
        "url": {"type": "string", "format": "uri"}, "api_url": {"type": "string", "format": "uri"},
        "pilots_pooled": {"type": "integer", "minimum": 0,
                          "description": "Pilots you may see whose results could be pooled."},
        "councils": {"type": "integer", "minimum": 0,
                     "description": "Councils behind the pooled pilots; when some withheld their name from you, "
                                    "the fewest there can be."},
        "councils_withheld": {"type": "integer", "minimum": 0,
                              "description": "Pooled pilots whose council's name is withheld from you."},
        "pooled": {
            "type": ["object", "null"],
            "description": "Random-effects (REML) meta-analysis on the analysis scale (log for RR and OR).",
            "properties": {
                "method": {"type": "string"}, "k": {"type": "integer"},
                "scale": {"type": "string", "enum": ["log", "natural"]},
                **dict.fromkeys(("estimate", "se", "ci_low", "ci_high", "tau2", "i2", "q", "q_p", "pi_low",
                                 "pi_high"), number),
            },
            "required": ["method", "k", "scale", "estimate", "se", "ci_low", "ci_high", "tau2", "i2", "q", "q_p",
                         "pi_low", "pi_high"],
            "additionalProperties": False,
        },
        "problem": {"type": ["string", "null"], "description": "Why there is no pooled result, when there is none."},
        "rating": {
            "type": ["object", "null"],
            "properties": {"score": {"type": "integer", "minimum": 0, "maximum": 5},
                           "reasons": {"type": "array", "items": {"type": "string"}}},
            "required": ["score", "reasons"],
            "additionalProperties": False,
        },
    }
    if detail:
        properties["summary"] = {"type": "array", "items": {"type": "string"}}
        properties["members"] = {"type": "array", "items": {
            "type": "object",
            "properties": {
                "pilot": {"type": "string", "format": "uri"}, "title": {"type": "string"},
                "yi": number, "vi": number, "excluded_because": {"type": ["string", "null"]},
            },
            "required": ["pilot", "title", "yi", "vi", "excluded_because"],
            "additionalProperties": False,
        }}
    return {"type": "object", "properties": properties, "required": list(properties), "additionalProperties": False}


def _list_of(name: str) -> dict:
    return {
        "type": "object",
        "properties": {"count": {"type": "integer", "minimum": 0}, "results": {"type": "array", "items": _ref(name)}},
        "required": ["count", "results"],
        "additionalProperties": False,
    }


def openapi_document(base: str) -> dict:
    nullable_uri = {"type": ["string", "null"], "format": "uri"}
    pilot_filters = [
        _query("q", "Words to search for, as on the evidence page: ranked best first, published results only.",
               {"type": "string", "maxLength": MAX_QUERY_LENGTH}),
        _query("service_area", "Service area.", {"type": "string", "enum": list(ServiceArea.values)}),
        _query("intervention_type", "Intervention type.", {"type": "string", "enum": list(InterventionType.values)}),
        _query("design", "Design.", {"type": "string", "enum": list(Design.values)}),
        _query("status", "Lifecycle status.", {"type": "string", "enum": list(Status.values)}),
        _query("nation", "Nation of the council, or of any of the councils of a case study several ran (pilots "
                         "whose council is withheld from you are left out).", {"type": "string"}),
        _query("council", "Three-letter council code: its pilots and the case studies it ran with other councils "
                          "(pilots whose council is withheld from you are left out).", {"type": "string"}),
    ]
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Pilotbook read API",
            "version": "1.0.0",
            "summary": "Pilots UK councils have tried, their results and lessons, pooled evidence and councils.",
            "description": (
                "Read-only. The same access rules as the web pages: without signing in you see public pilots; "
                "signed in (a session cookie from the sign-in page) a council member sees what the pages show "
                "them. A pilot you may not see answers 404. Results appear only once released (published and "
                "past any embargo), except to the pilot's own council. Councils that publish with their name "
                "withheld appear as `council: null, council_withheld: true`. Errors are JSON: "
                "`{\"error\": {\"status\", \"message\", \"fields\"}}`. Other open data: the pilot record's JSON "
                f"Schema at {SCHEMA_PATH}, Atom feeds at /feeds/results/, exports at /export/pilots.csv|ods|xlsx|json "
                "(with the browse parameters) and /export/evidence.csv|ods|xlsx|json (with the evidence search's: "
                "q, service_area, intervention_type, verdict, design, nation, council_type, year)."
            ),
            "license": {"name": LICENCE_NAME, "url": LICENCE_URL},
        },
        "servers": [{"url": base}],
        "security": [{}, {"session": []}],
        "paths": {
            "/api/": {"get": {
                "operationId": "index", "summary": "Links to the API's parts.",
                "responses": {"200": _json_response("Links.", {"type": "object"}), **ERRORS},
            }},
            "/api/openapi.json": {"get": {
                "operationId": "openapi", "summary": "This document.",
                "responses": {"200": _json_response("The OpenAPI document.", {"type": "object"}), **ERRORS},
            }},
            "/api/pilots/": {"get": {
                "operationId": "listPilots",
                "summary": "Search and filter the pilots you may see (the browse page's filters), a page at a time.",
                "parameters": [
                    *pilot_filters,
                    _query("page", "Page number, from 1.", {"type": "integer", "minimum": 1, "default": 1}),
                    _query("page_size", "Pilots per page.",
                           {"type": "integer", "minimum": 1, "maximum": 100, "default": 20}),
                ],
                "responses": {
                    "200": _json_response("A page of pilot records.", {
                        "type": "object",
                        "properties": {
                            "count": {"type": "integer", "minimum": 0}, "page": {"type": "integer", "minimum": 1},
                            "pages": {"type": "integer", "minimum": 1},
                            "page_size": {"type": "integer", "minimum": 1, "maximum": 100},
                            "next": nullable_uri, "previous": nullable_uri,
                            "results": {"type": "array", "items": _ref("Pilot")},
                        },
                        "required": ["count", "page", "pages", "page_size", "next", "previous", "results"],
                        "additionalProperties": False,
                    }),
                    **ERRORS, **NOT_FOUND,
                },
            }},
            "/api/pilots/{pk}/": {"get": {
                "operationId": "getPilot", "summary": "One pilot with its result, lessons and failure reason.",
                "parameters": [_path_param("pk", {"type": "integer", "minimum": 1}, "The pilot's number.")],
                "responses": {"200": _json_response("The pilot record.", _ref("Pilot")), **ERRORS, **NOT_FOUND},
            }},
            "/api/councils/": {"get": {
                "operationId": "listCouncils", "summary": "Every UK council, with how many pilots you may see.",
                "parameters": [_query("nation", "England, Scotland, Wales or Northern Ireland.", {"type": "string"})],
                "responses": {"200": _json_response("Councils.", _list_of("Council")), **ERRORS},
            }},
            "/api/councils/{code}/": {"get": {
                "operationId": "getCouncil", "summary": "One council.",
                "parameters": [_path_param("code", {"type": "string", "maxLength": 5}, "Three-letter code.")],
                "responses": {"200": _json_response("The council.", _ref("Council")), **ERRORS, **NOT_FOUND},
            }},
            "/api/pooled-groups/": {"get": {
                "operationId": "listPooledGroups",
                "summary": "Groups of pilots of the same kind of change, each pooled over the pilots you may see.",
                "responses": {"200": _json_response("Pooled groups.", _list_of("PooledGroup")), **ERRORS},
            }},
            "/api/pooled-groups/{slug}/": {"get": {
                "operationId": "getPooledGroup", "summary": "One pooled group with its members and summary.",
                "parameters": [_path_param("slug", {"type": "string"}, "The group's short name.")],
                "responses": {"200": _json_response("The group.", _ref("PooledGroupDetail")), **ERRORS, **NOT_FOUND},
            }},
            "/api/overdue/": {"get": {
                "operationId": "listOverdue",
                "summary": "Pilots past their results-due date that you may see, and each council's reporting rate.",
                "responses": {"200": _json_response("Overdue pilots and reporting rates.", {
                    "type": "object",
                    "properties": {
                        "as_of": {"type": "string", "format": "date"},
                        "count": {"type": "integer", "minimum": 0},
                        "results": {"type": "array", "items": {"type": "object", "properties": {
                            "id": {"type": "integer"}, "title": {"type": "string"}, "url": {"type": "string"},
                            "council": {"type": ["string", "null"]}, "council_withheld": {"type": "boolean"},
                            "status": {"type": "string"}, "results_due_date": {"type": "string", "format": "date"},
                            "days_overdue": {"type": "integer"}},
                            "required": ["id", "title", "council", "council_withheld", "results_due_date",
                                         "days_overdue"]}},
                        "reporting_rates": {"type": "array", "items": {"type": "object", "properties": {
                            "council": {"type": "string"}, "came_due": {"type": "integer"},
                            "on_time": {"type": "integer"}, "rate": {"type": ["number", "null"]},
                            "overdue_now": {"type": "integer"}}}},
                    },
                    "required": ["as_of", "count", "results", "reporting_rates"],
                }), **ERRORS},
            }},
        },
        "components": {
            "securitySchemes": {
                "session": {"type": "apiKey", "in": "cookie", "name": "sessionid",
                            "description": "Pilotbook's session cookie, set by signing in at /sign-in/."},
            },
            "schemas": {
                "Pilot": _pilot_component(),
                "Council": _council_component(),
                "PooledGroup": _pooled_component(detail=False),
                "PooledGroupDetail": _pooled_component(detail=True),
                "Error": {
                    "type": "object",
                    "properties": {"error": {
                        "type": "object",
                        "properties": {
                            "status": {"type": "integer"}, "message": {"type": "string"},
                            "fields": {"type": "object", "additionalProperties": {
                                "type": "array", "items": {"type": "string"}}},
                        },
                        "required": ["status", "message"],
                    }},
                    "required": ["error"],
                },
            },
            "responses": {
                "BadParameters": _json_response("A parameter is not valid; `fields` says which and why.",
                                                _ref("Error")),
                "NotFound": _json_response("Not found, or not something you may see.", _ref("Error")),
                "ReadOnly": _json_response("Only GET is allowed.", _ref("Error")),
            },
        },
    }
