from rest_framework import serializers

from .models import Worker


class WorkerSerializer(serializers.ModelSerializer):
    languages = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    competences = serializers.SlugRelatedField(slug_field="name", many=True, read_only=True)

    class Meta:
        model = Worker
        fields = [
            "id",
            "first_name",
            "last_name",
            "organisation",
            "unit",
            "profession",
            "languages",
            "competences",
            "base_address",
            "base_latitude",
            "base_longitude",
            "is_active",
        ]
