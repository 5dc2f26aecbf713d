from rest_framework import serializers

from .models import Enrollment, Exclusion, InsuredPerson


class EnrollmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Enrollment
        fields = ["acquired_on", "lost_on"]


class ExclusionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Exclusion
        fields = ["reason", "starts_on", "ends_on"]


class PersonSerializer(serializers.ModelSerializer):
    insurer_number = serializers.CharField(source="insurer.number", read_only=True)
    employer_code = serializers.CharField(source="employer.code", read_only=True, default=None)
    enrollments = EnrollmentSerializer(many=True, read_only=True)
    exclusions = ExclusionSerializer(many=True, read_only=True)

    class Meta:
        model = InsuredPerson
        fields = [
            "id",
            "insurer_number",
            "card_symbol",
            "card_number",
            "card_branch",
            "name_kana",
            "sex",
            "birth_date",
            "relationship",
            "employer_code",
            "enrollments",
            "exclusions",
        ]
