"""The OpenAPI document and a readable docs page made from it on the server.

Both are public: they describe the API and hold no data. The page is plain HTML, so it needs no
script, no external asset and nothing the Content-Security-Policy forbids.
"""

from flask import Blueprint, current_app, json, render_template
from flask_babel import gettext as _

from app.access.policy import public

bp = Blueprint("api_docs", __name__, url_prefix="/api/v1")

METHODS = ("get", "post", "put", "patch", "delete")


def openapi_document() -> dict:
    return current_app.extensions["grunnskjema_api"].spec.to_dict()


@bp.route("/openapi.json")
@public
def openapi_json():
    return current_app.response_class(json.dumps(openapi_document(), indent=2), mimetype="application/json")


@bp.route("/docs")
@public
def docs():
    document = openapi_document()
    return render_template(
        "api/docs.html",
        document=document,
        operations=operations(document),
        schemas=schemas(document),
    )


def reference_name(reference: str) -> str:
    return reference.rsplit("/", 1)[-1]


def type_of(schema: dict) -> str:
    """A short, readable type: "integer", "string (date-time)", "array of Survey", "Problem"."""
    if "$ref" in schema:
        return reference_name(schema["$ref"])
    if schema.get("type") == "array":
        return _("array of %(type)s", type=type_of(schema.get("items", {})))
    kind = schema.get("type") or _("any value")
    if "format" in schema:
        kind = f"{kind} ({schema['format']})"
    if "enum" in schema:
        kind = f"{kind}: {', '.join(str(value) for value in schema['enum'])}"
    if schema.get("nullable"):
        kind = _("%(type)s or null", type=kind)
    return kind


def _anchor(method: str, path: str) -> str:
    """An id for the operation's section: "get-api-v1-surveys-survey_id"."""
    return f"{method}-" + path.strip("/").replace("/", "-").replace("{", "").replace("}", "")


def operations(document: dict) -> list[dict]:
    responses = document.get("components", {}).get("responses", {})
    found = []
    for path, item in document.get("paths", {}).items():
        shared = item.get("parameters", [])
        for method in METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            found.append(
                {
                    "anchor": _anchor(method, path),
                    "method": method.upper(),
                    "path": path,
                    "summary": operation.get("summary", ""),
                    "description": operation.get("description", ""),
                    "parameters": [
                        {
                            "name": parameter["name"],
                            "location": parameter["in"],
                            "required": parameter.get("required", False),
                            "type": type_of(parameter.get("schema", {})),
                            "description": parameter.get("description", ""),
                        }
                        for parameter in shared + operation.get("parameters", [])
                    ],
                    "responses": [
                        _response(status, response, responses)
                        for status, response in sorted(
                            operation.get("responses", {}).items(),
                            key=lambda item: (item[0] == "default", item[0]),
                        )
                    ],
                }
            )
    return found


def _response(status: str, response: dict, components: dict) -> dict:
    if "$ref" in response:
        response = components.get(reference_name(response["$ref"]), {})
    content = response.get("content", {})
    media_type, body = next(iter(content.items()), (None, {}))
    schema = body.get("schema", {})
    return {
        "status": status,
        "description": response.get("description", ""),
        "media_type": media_type,
        # A named schema links to its description further down the page.
        "schema_name": reference_name(schema["$ref"]) if "$ref" in schema else None,
        "type": type_of(schema) if media_type else None,
    }


def schemas(document: dict) -> list[dict]:
    return [
        {
            "name": name,
            "description": schema.get("description", ""),
            "properties": [
                {"name": field, "type": type_of(details), "description": details.get("description", "")}
                for field, details in schema.get("properties", {}).items()
            ],
        }
        for name, schema in sorted(document.get("components", {}).get("schemas", {}).items())
    ]
