"""Filters other apps' lists share: the organization picker, narrowed to what the user sees."""

from __future__ import annotations

import django_filters

from organizations.forms import OrganizationChoiceField
from organizations.models import Organization


class OrganizationFilter(django_filters.ModelChoiceFilter):
    field_class = OrganizationChoiceField


def visible_organizations(request):
    """The choices of an organization filter: what the requesting user sees, in tree order."""
    if request is None:
        return Organization.objects.none()
    return Organization.objects.visible_to(request.user).order_by("path")
