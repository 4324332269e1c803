from django.urls import reverse
from rest_framework import serializers

from ..kinds import KINDS
from ..models import ReportRequest


class ReportRequestSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(read_only=True)
    region = serializers.CharField(source="region_id", read_only=True)
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = ReportRequest
        fields = [
            "id", "kind", "kind_label", "format", "params", "region", "scheduled", "status", "progress", "rows",
            "size", "checksum", "error", "created_at", "started_at", "finished_at", "expires_at", "download_url",
        ]  # fmt: skip
        read_only_fields = fields

    def get_download_url(self, report) -> str | None:
        if report.status != ReportRequest.Status.DONE:
            return None
        return reverse("reports-api:report-download", args=[report.pk])


class ReportOrderSerializer(serializers.Serializer):
    """What a client asks for; the same checks as the page's form (kesos.reports.services.report_request)."""

    kind = serializers.ChoiceField(choices=[])
    format = serializers.ChoiceField(choices=ReportRequest.Format.choices)
    region = serializers.CharField(max_length=13, help_text="Kode provinsi atau kabupaten/kota, mis. 63 atau 63.71")
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    month = serializers.IntegerField(min_value=1, max_value=12, required=False, allow_null=True)
    date_from = serializers.DateField(required=False, allow_null=True)
    date_to = serializers.DateField(required=False, allow_null=True)
    split_sex = serializers.BooleanField(required=False, default=False)
    handled = serializers.BooleanField(required=False, default=False)
    event = serializers.IntegerField(required=False, allow_null=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(k.code, k.label) for k in KINDS.values()]
