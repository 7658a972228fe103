"""API shapes of families and persons (client data: read only through the front door)."""

from rest_framework import serializers

from perhekeskus.people.models import Family, Membership, Person

from . import policy


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
        visible = instance.pk in self.context.get("visiting_family_ids", ())
        return policy.masked_address_fields(data, instance.address_protected, visible)


class PersonSerializer(serializers.ModelSerializer):
    languages = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    families = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Person
        fields = ["id", "first_name", "last_name", "birth_date", "address_non_disclosure", "languages", "families"]
