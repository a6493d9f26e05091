"""The forms that start a report run: one per report kind (its own parameters) sharing the lines of the
official-format document (place, date, term, header names, signature, recipients), which are editable
before generating; empty lines are filled from the organization (reports/document.py)."""

from __future__ import annotations

import re

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from organizations.choices import OrgKind
from organizations.forms import OrganizationChoiceField
from organizations.models import Organization
from organizations.scoping import restrict_form_fields
from reports.choices import FORMAT_CHOICES
from targets.engine.models import Resolution
from targets.records.models import PeriodicReport

# Organizations a report can be about: committees and grassroots organizations (cells below them are
# counted inside their TCCSĐ's report; composition also takes partial committees).
REPORT_KINDS = [OrgKind.PROVINCIAL, OrgKind.DIRECT, OrgKind.GRASSROOTS_COMMITTEE, OrgKind.GRASSROOTS_CELL]


def report_organizations(kinds=REPORT_KINDS):
    """Organizations of ``kinds`` in tree order (``restrict_form_fields`` narrows them to the user's)."""
    return Organization.objects.filter(kind__in=kinds).order_by("path")


def last_year() -> int:
    return timezone.localdate().year - 1


class DocumentForm(forms.Form):
    """Fields every kind shares: which files, and the lines of the official-format document."""

    formats = forms.ChoiceField(label=_("Files"), choices=FORMAT_CHOICES, initial="pdf,xlsx")
    issued_on = forms.DateField(label=_("Date of the document"), initial=timezone.localdate)
    place = forms.CharField(label=_("Place"), max_length=100, required=False,
                            help_text=_("Written before the date, e.g. “Lâm Đồng”. Empty: the province's name."))
    term = forms.CharField(label=_("Committee term"), max_length=20, required=False,
                           help_text=_("e.g. 2020-2025; document numbers restart at 01 in each term. "
                                       "Empty: the term the date falls in."))
    higher_body = forms.CharField(label=_("Higher body (first header line)"), max_length=255, required=False,
                                  help_text=_("Empty: the party organization above."))
    issuing_body = forms.CharField(label=_("Issuing body"), max_length=255, required=False,
                                   help_text=_("Empty: the organization's committee."))
    signer_authority = forms.CharField(label=_("Signing on behalf of"), max_length=100, required=False,
                                       help_text=_("e.g. T/M BAN THƯỜNG VỤ. Empty: chosen by the kind of "
                                                   "organization."))
    signer_title = forms.CharField(label=_("Signer's title"), max_length=100, initial="BÍ THƯ")
    signer_name = forms.CharField(label=_("Signer's name"), max_length=100, required=False)
    recipients = forms.CharField(label=_("Recipients"), required=False,
                                 widget=forms.Textarea(attrs={"rows": 3}),
                                 help_text=_("One per line, e.g. “- Ban Tổ chức Tỉnh ủy (b/c),”. Empty: the "
                                             "higher committee and the office's file."))

    document_fields = ["issued_on", "place", "term", "higher_body", "issuing_body", "signer_authority",
                       "signer_title", "signer_name", "recipients"]

    def __init__(self, *args, user=None, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_term(self):
        term = self.cleaned_data["term"].strip().replace("–", "-").replace(" ", "")
        if term and not re.fullmatch(r"\d{4}-\d{4}", term):
            raise forms.ValidationError(_("Write the term as two years, e.g. 2020-2025."))
        return term

    def document_params(self) -> dict:
        data = self.cleaned_data
        params = {name: data.get(name) or "" for name in self.document_fields}
        params["issued_on"] = data["issued_on"].isoformat()
        return params

    def params(self) -> dict:
        raise NotImplementedError


class ResolutionYearForm(DocumentForm):
    # Resolutions that measure an organization (attached to a scope), latest first.
    resolution = forms.ModelChoiceField(
        label=_("Resolution"), queryset=Resolution.objects.filter(scope__isnull=False).select_related("scope")
        .order_by("-end_year", "code"))
    organization = OrganizationChoiceField(
        label=_("Organization"), queryset=report_organizations(), required=False,
        help_text=_("The organization the report is about: the one the resolution measures, or a grassroots "
                    "organization under it. Empty: the one the resolution measures."))
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100, initial=last_year)
    field_order = ["resolution", "organization", "year", "formats"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        restrict_form_fields(self, self.user)

    def clean(self):
        data = super().clean()
        resolution, organization, year = data.get("resolution"), data.get("organization"), data.get("year")
        if resolution is None:
            return data
        if organization is None:
            organization = resolution.scope
            if not self.fields["organization"].queryset.filter(pk=organization.pk).exists():
                self.add_error("organization", _("Choose your organization."))
                return data
            data["organization"] = organization
        elif not organization.path.startswith(resolution.scope.path):
            self.add_error("organization", _("“%(org)s” is not under “%(scope)s”, the organization this resolution "
                                             "measures.") % {"org": organization, "scope": resolution.scope})
        years = set(resolution.years).union(*(t.years for t in resolution.targets.all()))
        if year is not None and year not in years:
            self.add_error("year", _("The resolution runs from %(first)d to %(last)d.")
                           % {"first": min(years), "last": max(years)})
        return data

    def params(self) -> dict:
        data = self.cleaned_data
        return {"resolution": data["resolution"].pk, "organization": data["organization"].pk, "year": data["year"],
                **self.document_params()}


class RatingStatisticsForm(DocumentForm):
    organization = OrganizationChoiceField(label=_("Organization"), queryset=report_organizations())
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100, initial=last_year)
    field_order = ["organization", "year", "formats"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        restrict_form_fields(self, self.user)

    def params(self) -> dict:
        data = self.cleaned_data
        return {"organization": data["organization"].pk, "year": data["year"], **self.document_params()}


class CompositionForm(DocumentForm):
    organization = OrganizationChoiceField(label=_("Organization"),
                                           queryset=report_organizations([*REPORT_KINDS, OrgKind.PARTIAL_COMMITTEE]))
    day = forms.DateField(label=_("On"), initial=timezone.localdate)
    field_order = ["organization", "day", "formats"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        restrict_form_fields(self, self.user)

    def params(self) -> dict:
        data = self.cleaned_data
        return {"organization": data["organization"].pk, "day": data["day"].isoformat(), **self.document_params()}


class MarkSubmittedForm(forms.Form):
    """Which periodic report (family DUE) this generated report is, and for which period."""

    report = forms.ModelChoiceField(label=_("Periodic report"), queryset=PeriodicReport.objects.order_by("code"),
                                    widget=forms.Select(attrs={"class": "form-select"}))
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100,
                              widget=forms.NumberInput(attrs={"class": "form-control"}))
    quarter = forms.TypedChoiceField(label=_("Quarter"), coerce=int, required=False, empty_value=0,
                                     choices=[(0, _("— (yearly report)")), (1, "I"), (2, "II"), (3, "III"), (4, "IV")],
                                     widget=forms.Select(attrs={"class": "form-select"}))
