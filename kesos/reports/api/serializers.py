from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from .. import selectors
from ..kinds import KINDS
from ..models import ReportRequest


class WaitReasonSerializer(serializers.Serializer):
    code = serializers.ChoiceField(
        choices=["antrean", "pekerja", "terhenti", "dikirim_ulang", "percobaan", "belum_diketahui"],
        help_text="antrean: broker tidak dapat dihubungi; pekerja: tidak ada worker yang menjawab; terhenti: "
        "pembuatan sebelumnya terhenti; dikirim_ulang; percobaan; belum_diketahui",
    )
    message = serializers.CharField(help_text="Penjelasan dalam bahasa Indonesia")


class WaitSerializer(serializers.Serializer):
    since = serializers.DateTimeField(help_text="Dalam antrean: sejak diminta; sedang dibuat: sejak kemajuan terakhir")
    long = serializers.BooleanField(help_text="Menunggu lebih lama dari biasanya (KESOS_REPORT_SLOW_SECONDS)")
    reasons = WaitReasonSerializer(many=True)


class ReportRequestSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(read_only=True)
    region = serializers.CharField(source="region_id", read_only=True)
    download_url = serializers.SerializerMethodField()
    waiting = serializers.SerializerMethodField(
        help_text="Bila belum selesai: sejak kapan menunggu, apakah lebih lama dari biasanya dan sebabnya (bila "
        "diketahui); null bila sudah selesai."
    )

    class Meta:
        model = ReportRequest
        fields = [
            "id", "kind", "kind_label", "format", "params", "region", "scheduled", "status", "progress", "rows",
            "size", "checksum", "error", "created_at", "started_at", "finished_at", "expires_at", "download_url",
            "attempts", "dispatched_at", "dispatches", "waiting",
        ]  # fmt: skip
        read_only_fields = fields

    @extend_schema_field(WaitSerializer(allow_null=True))
    def get_waiting(self, report) -> dict | None:
        if not hasattr(report, "wait"):  # one request alone (the create answer): ask here
            selectors.with_waits([report])
        return WaitSerializer(report.wait).data if report.wait else None

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
