"""The read-only JSON API (/api/): resolutions, targets and their attainments.

Every queryset starts from ``visible_to(request.user)`` — the one scoping mechanism — so a list holds only
what the user may see and an object outside the user's scope answers 404. GET only: the figures are
written by the engine, the records by the pages.

Shape decisions, also shown in the OpenAPI schema (/api/schema/):

- Numbers that may carry decimals (bounds, numerator, denominator, value, projection) are JSON *strings*
  in plain decimal notation ("87.20"), DRF's default for decimal fields: exact, never binary floats, and
  independent of the interface language. Years and ids are JSON numbers.
- Labels (``status_label``, ``kind_label``, …) and the ``missing`` text follow the request's language:
  Vietnamese by default, English with ``Accept-Language: en``.
- Authentication: the browser session, or ``Authorization: Token <key>`` (rest_framework.authtoken).
  A request without credentials answers 401.
"""

from __future__ import annotations

import django_filters
from django.db.models import Count, Q
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView

from targets.engine.choices import Family
from targets.engine.formatting import beside, beside_text, bounds_text, missing_text, rule_notes_text
from targets.engine.models import Attainment, Resolution, Target

# ------------------------------------------------------------------------------------------ serializers


class ResolutionSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    scope_name = serializers.CharField(source="scope.name", read_only=True, allow_null=True,
                                       help_text="Name of the organization whose subtree the targets measure.")
    target_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Resolution
        fields = ["id", "code", "number", "kind", "kind_label", "title", "issuer_name", "issuing_body",
                  "issued_on", "scope", "scope_name", "start_year", "end_year", "target_count"]
        read_only_fields = fields


class TargetSerializer(serializers.ModelSerializer):
    resolution = serializers.CharField(source="resolution.code", read_only=True, help_text="Resolution code.")
    family_label = serializers.CharField(source="get_family_display", read_only=True)
    comparator_label = serializers.CharField(source="get_comparator_display", read_only=True)
    bounds = serializers.SerializerMethodField(help_text="The bound as people read it, e.g. \"≥ 85%\".")
    params = serializers.JSONField(read_only=True)

    class Meta:
        model = Target
        fields = ["id", "code", "resolution", "order", "family", "family_label", "params", "short_text", "clause",
                  "comparator", "comparator_label", "lower", "upper", "bounds", "unit", "periodicity",
                  "start_year", "end_year", "applies_to", "active"]
        read_only_fields = fields

    def get_bounds(self, target) -> str:
        return bounds_text(target)


class AttainmentSerializer(serializers.ModelSerializer):
    target = serializers.CharField(source="target.code", read_only=True, help_text="Target code.")
    unit = serializers.CharField(source="target.unit", read_only=True, help_text="percent or count.")
    organization = serializers.IntegerField(source="organization_id", read_only=True)
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    missing = serializers.SerializerMethodField(
        help_text="What is not recorded yet (a figure with missing inputs is not judged); empty when complete.")
    notes = serializers.SerializerMethodField(
        help_text="What a party rule makes of the figure (the 20% cap's bound, a changed basis); empty when none.")
    parts = serializers.SerializerMethodField(
        help_text="A figure of two sources (LD-4f): {\"party\": [n, d], \"state\": [n, d]}; null otherwise.")
    beside = serializers.SerializerMethodField(
        help_text="The figure kept beside the judged one (QT-4b: the pooled attendance rate when judged per meeting, "
                  "the share of regular meetings above the threshold when judged pooled): {\"basis\": "
                  "\"pooled\" | \"per_meeting\", \"threshold\": 85, \"numerator\": n, \"denominator\": d, "
                  "\"value\": \"87.50\" (percent, null without a denominator), \"text\": the words the pages "
                  "show}; null otherwise.")

    class Meta:
        model = Attainment
        fields = ["id", "target", "unit", "organization", "organization_name", "year", "period_start",
                  "period_end", "numerator", "denominator", "value", "status", "status_label", "missing",
                  "notes", "parts", "beside", "final", "projection", "computed_at", "inputs_changed_at"]
        read_only_fields = fields

    def get_missing(self, attainment) -> str:
        return missing_text(attainment.missing)

    def get_notes(self, attainment) -> str:
        return rule_notes_text(attainment)

    def get_parts(self, attainment) -> dict | None:
        return (attainment.details or {}).get("parts")

    def get_beside(self, attainment) -> dict | None:
        other = beside(attainment.details)
        if other is None:
            return None
        value = other["value"]
        return {**other, "value": None if value is None else f"{value:.2f}", "text": beside_text(attainment)}


# -------------------------------------------------------------------------------------------- filters


def _resolution_q(prefix: str, value: str) -> Q:
    """A resolution given by code or by id."""
    q = Q(**{f"{prefix}code": value})
    if value.isdigit():
        q |= Q(**{f"{prefix}id": int(value)})
    return q


class TargetFilter(django_filters.FilterSet):
    resolution = django_filters.CharFilter(method="filter_resolution", label="Resolution code or id")
    code = django_filters.CharFilter(field_name="code", lookup_expr="iexact", label="Target code")
    family = django_filters.ChoiceFilter(field_name="family", choices=Family.choices, label="Metric family")

    class Meta:
        model = Target
        fields = ["resolution", "code", "family"]

    def filter_resolution(self, queryset, name, value):
        return queryset.filter(_resolution_q("resolution__", value))


class AttainmentFilter(django_filters.FilterSet):
    resolution = django_filters.CharFilter(method="filter_resolution", label="Resolution code or id")
    target = django_filters.CharFilter(field_name="target__code", lookup_expr="iexact", label="Target code")
    organization = django_filters.NumberFilter(field_name="organization", label="Organization id")
    year = django_filters.NumberFilter(field_name="year", label="Year")

    class Meta:
        model = Attainment
        fields = ["resolution", "target", "organization", "year"]

    def filter_resolution(self, queryset, name, value):
        return queryset.filter(_resolution_q("target__resolution__", value))


# ------------------------------------------------------------------------------------------- viewsets


class ScopedReadOnlyViewSet(viewsets.ReadOnlyModelViewSet):
    # Token first: its ``WWW-Authenticate: Token`` header makes a request without credentials a 401
    # (with the session first DRF answers 403, which tells a client nothing about how to log in).
    authentication_classes = [TokenAuthentication, SessionAuthentication]

    def scoped_queryset(self):
        raise NotImplementedError

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no user, no rows
            return self.queryset.none()
        return self.scoped_queryset()


class ApiRoot(APIView):
    """What /api/ offers (the README points here): each endpoint with its address and what it holds."""

    authentication_classes = ScopedReadOnlyViewSet.authentication_classes

    @extend_schema(exclude=True)  # the schema lists the endpoints themselves
    def get(self, request):
        endpoints = [
            ("resolutions", "api:resolution-list", _("Resolutions, plans and programmes within your scope")),
            ("targets", "api:target-list", _("Their targets (filters: resolution, code, family)")),
            ("attainments", "api:attainment-list",
             _("Computed figures (filters: resolution, target, organization, year)")),
            ("schema", "api:schema", _("The OpenAPI schema of this API")),
        ]
        return Response({"endpoints": [{"name": name, "url": reverse(url_name, request=request), "description": text}
                                       for name, url_name, text in endpoints]})


class ResolutionViewSet(ScopedReadOnlyViewSet):
    """Resolutions, plans and programmes attached to an organization within the user's scope."""

    serializer_class = ResolutionSerializer
    queryset = Resolution.objects.all()

    def scoped_queryset(self):
        return (Resolution.objects.visible_to(self.request.user).select_related("scope")
                .annotate(target_count=Count("targets")).order_by("-end_year", "code"))


class TargetViewSet(ScopedReadOnlyViewSet):
    """Targets of the resolutions within the user's scope. Filters: ``resolution`` (code or id), ``code``,
    ``family``."""

    serializer_class = TargetSerializer
    queryset = Target.objects.all()
    filter_backends = [DjangoFilterBackend]
    filterset_class = TargetFilter

    def scoped_queryset(self):
        return (Target.objects.visible_to(self.request.user).select_related("resolution")
                .order_by("resolution__code", "order", "code"))


class AttainmentViewSet(ScopedReadOnlyViewSet):
    """Computed figures of the organizations within the user's scope, ordered by target, organization
    (tree order) and year. Filters: ``resolution`` (code or id), ``target`` (code), ``organization`` (id),
    ``year``. Numbers are decimal strings, e.g. ``"87.20"``."""

    serializer_class = AttainmentSerializer
    queryset = Attainment.objects.all()
    filter_backends = [DjangoFilterBackend]
    filterset_class = AttainmentFilter

    def scoped_queryset(self):
        return (Attainment.objects.visible_to(self.request.user).select_related("target", "organization")
                .order_by("target__resolution__code", "target__order", "target__code", "organization__path",
                          "year", "pk"))

