"""OpenAPI schema hooks (drf-spectacular): the error answers every API operation can give.

drf-spectacular documents only the success answers. A client (and the API fuzzer in CI) must also
know the refusals, so one post-processing hook adds them, by rule, to every operation that has not
declared its own: 403 (role or permission), 429 (throttled), 400 when the operation takes query
parameters or a body, 404 when it names a record in its path or pages through a list, 413 when it
takes a body, and 503 (with Retry-After) while the database or the task queue is unavailable.
"""

ERROR_SCHEMA = {
    "type": "object",
    "description": (
        "Penolakan: `detail` berisi pesan, atau setiap nama isian berisi daftar pesan untuk isian itu "
        "(`non_field_errors` untuk pesan yang tidak terkait satu isian)."
    ),
    "properties": {"detail": {"type": "string"}},
    "additionalProperties": True,
}
BODY_METHODS = {"post", "put", "patch"}


def _error(description: str) -> dict:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Penolakan"}}},
    }


def document_error_responses(result, generator, request, public):
    """POSTPROCESSING_HOOKS entry: add the error answers (see the module docstring)."""
    result.setdefault("components", {}).setdefault("schemas", {})["Penolakan"] = ERROR_SCHEMA
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            responses = operation.setdefault("responses", {})
            query = [p for p in operation.get("parameters", []) if p.get("in") == "query"]
            has_body = "requestBody" in operation
            wanted = {
                "403": "Peran atau izin pengguna tidak mencukupi",
                "429": "Terlalu banyak permintaan; coba lagi nanti",
                "503": "Basis data atau antrean tugas sedang tidak tersedia; coba lagi setelah Retry-After detik",
            }
            if query or has_body or method in BODY_METHODS:
                wanted["400"] = "Parameter atau isian tidak sah"
            if "{" in path or any(p["name"] == "page" for p in query):
                wanted["404"] = "Data tidak ada, di luar wilayah pengguna, atau halaman tidak ada"
            if method in BODY_METHODS:
                wanted["413"] = "Isi permintaan terlalu besar"
            for code, description in wanted.items():
                responses.setdefault(code, _error(description))
    return result
