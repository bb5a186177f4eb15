"""The OpenAPI 3.1 description of the read API, served at /api/openapi.json.

Written by hand (it is small), except each endpoint's query parameters, which come from the same forms the API
checks them with (pilotbook.api.parameters), so every parameter and every allowed value is listed: council codes
from the council list, nations, service areas and the rest. tests/api/test_api.py checks that the document is
valid OpenAPI 3.1, that every API URL has a path here with its parameters, and that every documented path answers
with what the document says, errors included.
"""

from __future__ import annotations

from django import forms

from pilotbook.web.problems import CONTENT_TYPE as PROBLEM

from .parameters import CouncilListParameters, NoParameters, PilotListParameters
from .records import LICENCE_NAME, LICENCE_URL
from .schema import SCHEMA_PATH, pilot_schema


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _json_response(description: str, schema: dict) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _problem_response(description: str) -> dict:
    return {"description": description, "headers": CORS, "content": {PROBLEM: {"schema": _ref("Problem")}}}


def _query(name: str, description: str, schema: dict) -> dict:
    return {"name": name, "in": "query", "required": False, "description": description, "schema": schema}


def query_parameters(form_class: type[forms.Form]) -> list[dict]:
    """The query parameters a parameters form (pilotbook.api.parameters) accepts, with every allowed value."""
    form = form_class()
    described = getattr(form_class, "descriptions", {})
    out = []
    for name, field in form.fields.items():
        description = str(described.get(name) or field.help_text or field.label or name)
        if isinstance(field, forms.ChoiceField):
            schema = {"type": "string", "enum": [str(v) for v, _label in field.choices if v != ""]}
            description += " Not case-sensitive."
        elif isinstance(field, forms.IntegerField):
            schema = {"type": "integer"}
            schema |= {key: value for key, value in (("minimum", field.min_value), ("maximum", field.max_value),
                                                     ("default", field.initial)) if value is not None}
        else:
            schema = {"type": "string", **({"maxLength": field.max_length} if field.max_length else {})}
        out.append(_query(name, description, schema))
    return out


def _with_parameters(form_class: type[forms.Form], *path_parameters: dict) -> dict:
    parameters = [*path_parameters, *query_parameters(form_class)]
    return {"parameters": parameters} if parameters else {}


def _path_param(name: str, schema: dict, description: str) -> dict:
    return {"name": name, "in": "path", "required": True, "description": description, "schema": schema}


ERRORS = {
    "400": {"$ref": "#/components/responses/BadParameters"},
    "404": {"$ref": "#/components/responses/NotFound"},
    "405": {"$ref": "#/components/responses/ReadOnly"},
    "500": {"$ref": "#/components/responses/ServerError"},
}
CORS = {"Access-Control-Allow-Origin": {"$ref": "#/components/headers/AccessControlAllowOrigin"}}


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


def _get(operation_id: str, summary: str, response: dict, form_class=NoParameters, *path_parameters: dict) -> dict:
    """A GET operation: its parameters, its answer, the errors every endpoint may give, and CORS on each."""
    responses = {"200": response, **ERRORS}
    for answer in responses.values():
        if "$ref" not in answer:
            answer["headers"] = CORS
    return {"get": {"operationId": operation_id, "summary": summary,
                    **_with_parameters(form_class, *path_parameters), "responses": responses}}


def openapi_document(base: str) -> dict:
    nullable_uri = {"type": ["string", "null"], "format": "uri"}
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Pilotbook read API",
            "version": "2.0.0",
            "summary": "Pilots UK councils have tried, their results and lessons, pooled evidence and councils.",
            "description": (
                "Read-only. The same access rules as the web pages: without signing in you see public pilots; "
                "signed in (a session cookie from the sign-in page) a council member sees what the pages show "
                "them. A pilot you may not see answers 404. Results appear only once released (published and "
                "past any embargo), except to the pilot's own council. Councils that publish with their name "
                "withheld appear as `council: null, council_withheld: true`.\n\n"
                "**Parameters**: every endpoint takes only the query parameters listed for it; any other, or one "
                "given twice, is a 400 naming it. Choices (council codes, nations, service areas...) are not "
                "case-sensitive; every allowed value is listed here.\n\n"
                "**Errors** are problem details (RFC 9457, `application/problem+json`): `type`, `title`, `status`, "
                "`detail`, and for bad parameters `errors: [{parameter, detail}]`, at any address under /api/, "
                "including one that does not exist.\n\n"
                "**Other sites may read it from a browser (CORS)**: every answer under /api/ (and the exports, "
                "feeds and schema) carries `Access-Control-Allow-Origin: *` and never "
                "`Access-Control-Allow-Credentials`, so a page on another site reads only what the public sees; "
                "a request from another site is answered as for someone not signed in, whatever cookies it "
                "carries.\n\n"
                "**Links and ids** are built on the site's configured address, not on the address a request used."
                f"\n\nOther open data: the pilot record's JSON Schema at {SCHEMA_PATH}, Atom feeds at "
                "/feeds/results/, exports at /export/pilots.csv|ods|xlsx|json (with the parameters of "
                "/api/pilots/ except page and page_size) and /export/evidence.csv|ods|xlsx|json (with the evidence "
                "search's: q, service_area, intervention_type, verdict, design, nation, council_type, year); each "
                "CSV is described, with its licence, by CSV on the Web metadata at the same address with "
                "`-metadata.json` added."
            ),
            "license": {"name": LICENCE_NAME, "url": LICENCE_URL},
        },
        "servers": [{"url": base}],
        "security": [{}, {"session": []}],
        "paths": {
            "/api/": _get("index", "Links to the API's parts.", _json_response("Links.", {"type": "object"})),
            "/api/openapi.json": _get("openapi", "This document.",
                                      _json_response("The OpenAPI document.", {"type": "object"})),
            "/api/pilots/": _get(
                "listPilots",
                "Search and filter the pilots you may see (the browse page's filters), a page at a time.",
                _json_response("A page of pilot records.", {
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
                PilotListParameters,
            ),
            "/api/pilots/{pk}/": _get(
                "getPilot", "One pilot with its result, lessons and failure reason.",
                _json_response("The pilot record.", _ref("Pilot")), NoParameters,
                _path_param("pk", {"type": "integer", "minimum": 1}, "The pilot's number."),
            ),
            "/api/councils/": _get("listCouncils", "Every UK council, with how many pilots you may see.",
                                   _json_response("Councils.", _list_of("Council")), CouncilListParameters),
            "/api/councils/{code}/": _get(
                "getCouncil", "One council.", _json_response("The council.", _ref("Council")), NoParameters,
                _path_param("code", {"type": "string", "maxLength": 5}, "Three-letter code (not case-sensitive)."),
            ),
            "/api/pooled-groups/": _get(
                "listPooledGroups",
                "Groups of pilots of the same kind of change, each pooled over the pilots you may see.",
                _json_response("Pooled groups.", _list_of("PooledGroup")),
            ),
            "/api/pooled-groups/{slug}/": _get(
                "getPooledGroup", "One pooled group with its members and summary.",
                _json_response("The group.", _ref("PooledGroupDetail")), NoParameters,
                _path_param("slug", {"type": "string"}, "The group's short name."),
            ),
            "/api/overdue/": _get(
                "listOverdue",
                "Pilots past their results-due date that you may see, and each council's reporting rate.",
                _json_response("Overdue pilots and reporting rates.", {
                    "type": "object",
                    "properties": {
                        "as_of": {"type": "string", "format": "date"},
                        "count": {"type": "integer", "minimum": 0},
                        "results": {"type": "array", "items": {"type": "object", "properties": {
                            "id": {"type": "integer"}, "title": {"type": "string"},
                            "url": {"type": "string", "format": "uri"},
                            "council": {"type": ["string", "null"]}, "council_withheld": {"type": "boolean"},
                            "status": {"type": "string"}, "results_due_date": {"type": "string", "format": "date"},
                            "days_overdue": {"type": "integer"}},
                            "required": ["id", "title", "url", "council", "council_withheld", "status",
                                         "results_due_date", "days_overdue"],
                            "additionalProperties": False}},
                        "reporting_rates": {"type": "array", "items": {"type": "object", "properties": {
                            "council": {"type": "string"}, "came_due": {"type": "integer"},
                            "on_time": {"type": "integer"}, "rate": {"type": ["number", "null"]},
                            "overdue_now": {"type": "integer"}},
                            "required": ["council", "came_due", "on_time", "rate", "overdue_now"],
                            "additionalProperties": False}},
                    },
                    "required": ["as_of", "count", "results", "reporting_rates"],
                    "additionalProperties": False,
                }),
            ),
        },
        "components": {
            "securitySchemes": {
                "session": {"type": "apiKey", "in": "cookie", "name": "sessionid",
                            "description": "Pilotbook's session cookie, set by signing in at /sign-in/. Sent only "
                                           "by pages on Pilotbook itself: other sites' pages are answered as for "
                                           "someone not signed in."},
            },
            "headers": {
                "AccessControlAllowOrigin": {
                    "description": "Always `*`: any site's pages may read the answer (what the public may see).",
                    "schema": {"type": "string", "const": "*"},
                },
            },
            "schemas": {
                "Pilot": _pilot_component(),
                "Council": _council_component(),
                "PooledGroup": _pooled_component(detail=False),
                "PooledGroupDetail": _pooled_component(detail=True),
                "Problem": {
                    "type": "object",
                    "description": "Problem details (RFC 9457).",
                    "properties": {
                        "type": {"type": "string", "format": "uri-reference"},
                        "title": {"type": "string"},
                        "status": {"type": "integer", "minimum": 400, "maximum": 599},
                        "detail": {"type": "string"},
                        "errors": {
                            "type": "array",
                            "description": "Each parameter that is not valid, and why.",
                            "items": {
                                "type": "object",
                                "properties": {"parameter": {"type": "string"}, "detail": {"type": "string"}},
                                "required": ["parameter", "detail"],
                                "additionalProperties": False,
                            },
                        },
                    },
                    "required": ["type", "title", "status", "detail"],
                    "additionalProperties": False,
                },
            },
            "responses": {
                "BadParameters": _problem_response("A parameter is not valid or not one of the endpoint's; `errors` "
                                                   "says which and why."),
                "NotFound": _problem_response("Not found, or not something you may see (also any address under "
                                              "/api/ that is not listed here)."),
                "ReadOnly": _problem_response("Only GET and HEAD (and OPTIONS, for CORS) are allowed."),
                "ServerError": _problem_response("Something went wrong on the server."),
            },
        },
    }
