from rest_framework import serializers

from kesos.wilayah.models import Wilayah


class WilayahSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = Wilayah
        fields = ["code", "name", "level", "kind", "kind_label", "postal_code", "active", "parent"]


class WilayahDetailSerializer(WilayahSerializer):
    ancestors = WilayahSerializer(many=True, read_only=True)

    class Meta(WilayahSerializer.Meta):
        fields = [*WilayahSerializer.Meta.fields, "ancestors"]
