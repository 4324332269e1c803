"""The OpenAPI schema stays valid and warning-free as routes are added."""

from django.core.management import call_command


def test_the_openapi_schema_is_valid_without_warnings(tmp_path):
    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    text = out.read_text()
    assert "/api/v1/ppks/orang/" in text and "/api/v1/ppks/keluarga/" in text
