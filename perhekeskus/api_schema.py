"""OpenAPI post-processing: document the error answers every operation can give.

Service and serializer errors answer 400 with field errors ({"field": ["message"]}),
a booking conflict answers 409 in the same shape, an unknown or invisible object 404,
a missing or insufficient login 401/403 and a body of an unsupported media type 415
({"detail": "message"})."""

FIELD_ERRORS = {
    "type": "object",
    "description": "Field errors in the user's language: field name (or non_field_errors) -> messages.",
    "additionalProperties": {"type": "array", "items": {"type": "string"}},
}
DETAIL = {"type": "object", "properties": {"detail": {"type": "string"}}, "required": ["detail"]}


def _response(description: str, schema_ref: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": {"$ref": schema_ref}}}}


def add_error_responses(result, generator, request, public):
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas["FieldErrors"] = FIELD_ERRORS
    schemas["Detail"] = DETAIL
    field_errors, detail = "#/components/schemas/FieldErrors", "#/components/schemas/Detail"
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            responses.setdefault("401", _response("Not logged in.", detail))
            responses.setdefault("403", _response("The user's role does not allow this.", detail))
            if "{id}" in path:
                responses.setdefault("404", _response("No such object, or not visible to the user.", detail))
            if method in ("post", "put", "patch") or operation.get("parameters"):
                responses.setdefault("400", _response("Invalid input; nothing was saved.", field_errors))
            if "requestBody" in operation:
                responses.setdefault("415", _response("The request body's media type is not supported.", detail))
            if path.startswith("/api/appointments/") and method in ("post", "patch", "put"):
                responses.setdefault("409", _response("The time is already booked (says with what).", field_errors))
    return result
