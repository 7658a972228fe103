from rest_framework import serializers

from .models import Family, Membership, Person, Worker


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


class MembershipSerializer(serializers.ModelSerializer):
    class Meta:
        model = Membership
        fields = ["person", "role"]


class FamilySerializer(serializers.ModelSerializer):
    members = MembershipSerializer(source="memberships", many=True, read_only=True)

    class Meta:
        model = Family
        fields = ["id", "key", "name", "address", "postal_code", "municipality", "address_protected", "members"]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if instance.address_protected and instance.pk not in self.context.get("visiting_family_ids", ()):
            data["address"] = data["postal_code"] = ""  # address non-disclosure
        return data


class PersonSerializer(serializers.ModelSerializer):
    languages = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    families = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Person
        fields = ["id", "first_name", "last_name", "birth_date", "address_non_disclosure", "languages", "families"]
