"""Forms of the records organizations supply (reported figures, models, documents adopted, report
submissions). Organization choices are narrowed to the organizations the user may enter records for
(REPORT_FIGURES) and of the kinds each record allows. The forms validate input only; ``submit`` hands
the cleaned data to targets.records.services, which holds the rules, and shows its ValidationErrors on
the form's fields."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.forms import BoundedNumbers, add_service_error, date_input
from organizations.forms import OrganizationChoiceField
from organizations.models import Organization
from organizations.permissions import Perm
from organizations.scoping import restrict_form_fields
from targets.records import services
from targets.records.choices import Cadence
from targets.records.models import (
    DocumentAdoption,
    PeriodicReport,
    RegisteredModel,
    ReportedFigure,
    ReportIndicator,
    ReportSubmission,
    RequiredDocument,
)


def year_field(**kwargs):
    return forms.IntegerField(label=_("Year"), min_value=services.MIN_YEAR,
                              max_value=timezone.localdate().year + 1, **kwargs)


class ServiceForm(BoundedNumbers, forms.ModelForm):
    """A model form whose write is a service call: the service validates the whole record (the model's
    own validation would repeat it with other words), so ``_post_clean`` leaves the instance alone."""

    organization_kinds: tuple = ()  # the kinds of organization that keep this record
    organization_help = ""

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        # The organizations the user may enter this record for; an edited record's own organization stays
        # choosable even once dissolved (its past figures may still need correcting).
        self.fields["organization"] = OrganizationChoiceField(
            label=_("Organization"), indented=False, help_text=self.organization_help,
            queryset=Organization.objects.active().filter(kind__in=[str(k) for k in self.organization_kinds])
            .order_by("path"))
        restrict_form_fields(self, user, Perm.REPORT_FIGURES, keep_current=True)

    def _post_clean(self):
        pass

    def call_service(self):
        raise NotImplementedError

    def submit(self):
        """Run the service on valid data: the saved record, or None with the errors on the form."""
        try:
            return self.call_service()
        except ValidationError as exc:
            add_service_error(self, exc)
            return None


class ReportedFigureForm(ServiceForm):
    class Meta:
        model = ReportedFigure
        fields = ["indicator", "organization", "year", "numerator", "denominator", "note"]

    organization_kinds = (*services.TCCSD_KINDS, *services.COMMITTEE_KINDS)
    organization_help = _("Grassroots party organizations report their own figures; a committee reports only the "
                          "figures of the resolution it is measured by.")

    def __init__(self, *args, refresh_url: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"] = year_field(initial=timezone.localdate().year)
        self.fields["indicator"].queryset = ReportIndicator.objects.order_by("code")
        self.fields["denominator"].help_text = _("Leave empty for an indicator that is a plain count.")
        if refresh_url:
            # Choosing the indicator, organization or year redraws the form, so a whole the register gives
            # is shown before saving.
            for name in ("indicator", "organization", "year"):
                self.fields[name].widget.attrs.update({
                    "hx-get": refresh_url, "hx-trigger": "change", "hx-include": "closest form",
                    "hx-target": "#record-form", "hx-select": "#record-form", "hx-swap": "outerHTML"})
        self._register_whole()

    def _chosen(self, name):
        """The value of ``name`` as chosen so far: the submitted data, else the record's, else the initial."""
        field = self.fields[name]
        raw = self.data.get(self.add_prefix(name)) if self.is_bound else None
        if raw in (None, ""):
            raw = self.initial.get(name, getattr(self.instance, f"{name}_id", None) if name != "year"
                                   else self.instance.year)
        if raw in (None, ""):
            return None
        try:
            return field.clean(raw) if name != "year" else int(raw)
        except (ValidationError, ValueError, TypeError):
            return None

    def _register_whole(self):
        """A member share's whole comes from the register: shown pre-filled and read-only."""
        indicator, organization, year = self._chosen("indicator"), self._chosen("organization"), self._chosen("year")
        field = self.fields["denominator"]
        if indicator is None or not indicator.whole_from_register:
            return
        field.disabled = True
        if organization is None or year is None:
            field.help_text = _("Taken from the register once the organization and year are chosen.")
            return
        whole, day = services.register_whole(organization, year)
        field.initial = whole
        self.initial["denominator"] = whole
        field.help_text = _("From the register: the members of “%(org)s” on %(day)s.") % {
            "org": organization, "day": day.strftime("%d/%m/%Y")}

    def call_service(self):
        data = self.cleaned_data
        if self.instance.pk:
            return services.reported_figure_update(figure=self.instance, user=self.user, **data)
        return services.reported_figure_create(user=self.user, **data)


class RegisteredModelForm(ServiceForm):
    class Meta:
        model = RegisteredModel
        fields = ["organization", "year", "kind", "name", "description", "recognised_by"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    organization_kinds = tuple(services.MODEL_KINDS)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"] = year_field(initial=timezone.localdate().year)

    def call_service(self):
        data = self.cleaned_data
        if self.instance.pk:
            return services.registered_model_update(model=self.instance, user=self.user, **data)
        return services.registered_model_create(user=self.user, **data)


def quarter_choices():
    return [(0, gettext("— (yearly report)")), *[(q, gettext("Quarter %(q)d") % {"q": q}) for q in (1, 2, 3, 4)]]


class ReportSubmissionForm(ServiceForm):
    class Meta:
        model = ReportSubmission
        fields = ["report", "organization", "year", "quarter", "submitted_on", "reference"]
        widgets = {"submitted_on": date_input()}

    organization_kinds = tuple(services.TCCSD_KINDS)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"] = year_field(initial=timezone.localdate().year)
        self.fields["quarter"] = forms.TypedChoiceField(label=_("Quarter"), choices=quarter_choices(), coerce=int,
                                                        empty_value=0, required=False)
        self.fields["report"].queryset = PeriodicReport.objects.order_by("code")
        self.fields["report"].help_text = " · ".join(
            f"{r.name}: " + (_("quarterly, due on day %(day)d of the quarter's last month") % {"day": r.due_day}
                             if r.frequency == "quarterly" else
                             _("yearly, due on %(day)02d/%(month)02d") % {"day": r.due_day, "month": r.due_month or 12})
            for r in self.fields["report"].queryset)

    def call_service(self):
        data = self.cleaned_data
        if self.instance.pk:
            return services.report_submission_update(submission=self.instance, user=self.user, **data)
        return services.report_submission_create(user=self.user, **data)


# How many years back a term document adopted earlier is shown as still in force (a party term is 5 years).
TERM_YEARS = 5


class DocumentChecklistForm(forms.Form):
    """One cell's required documents for one year: for each, whether it was adopted, when and under which
    reference. A term document already adopted in an earlier year of the term is shown, not asked again."""

    def __init__(self, *args, organization: Organization, year: int, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.organization, self.year, self.user = organization, year, user
        self.documents = list(RequiredDocument.objects.order_by("cadence", "order", "code"))
        adoptions = list(DocumentAdoption.objects.filter(organization=organization,
                                                         year__range=(year - TERM_YEARS + 1, year))
                         .select_related("document"))
        this_year = {a.document_id: a for a in adoptions if a.year == year}
        earlier: dict[int, DocumentAdoption] = {}
        for a in sorted(adoptions, key=lambda a: a.year):
            if a.year < year and a.document.cadence == Cadence.TERM:
                earlier[a.document_id] = a
        self.rows = []
        for document in self.documents:
            current = this_year.get(document.pk)
            previous = earlier.get(document.pk) if current is None else None
            row = {"document": document, "adoption": current, "earlier": previous}
            if previous is None:
                pk = document.pk
                self.fields[f"adopted_{pk}"] = forms.BooleanField(
                    label=_("Adopted"), required=False, initial=current is not None)
                self.fields[f"adopted_on_{pk}"] = forms.DateField(
                    label=_("Adopted on"), required=False, widget=date_input(),
                    initial=current.adopted_on if current else None)
                self.fields[f"reference_{pk}"] = forms.CharField(
                    label=_("Number / reference"), required=False, max_length=100,
                    initial=current.reference if current else "")
                row.update(adopted=self[f"adopted_{pk}"], adopted_on=self[f"adopted_on_{pk}"],
                           reference=self[f"reference_{pk}"])
            self.rows.append(row)

    def clean(self):
        data = super().clean()
        for document in self.documents:
            pk = document.pk
            if f"adopted_{pk}" not in self.fields:
                continue
            if data.get(f"adopted_{pk}") and not data.get(f"adopted_on_{pk}") and f"adopted_on_{pk}" not in self.errors:
                self.add_error(f"adopted_on_{pk}", _("Enter the date “%(document)s” was adopted.")
                               % {"document": document})
        return data

    def entries(self) -> dict:
        data, result = self.cleaned_data, {}
        for document in self.documents:
            pk = document.pk
            if f"adopted_{pk}" not in self.fields:
                continue
            # The box decides; a date entered for a document not adopted yet means it was adopted (so
            # forgetting the box does not lose the date), while unticking an adopted one removes it.
            existing = next(r["adoption"] for r in self.rows if r["document"].pk == pk)
            adopted = data.get(f"adopted_{pk}") or (existing is None and bool(data.get(f"adopted_on_{pk}")))
            result[document] = (data[f"adopted_on_{pk}"], data.get(f"reference_{pk}", "")) if adopted else None
        return result

    def submit(self):
        try:
            return services.document_checklist_save(organization=self.organization, year=self.year,
                                                    entries=self.entries(), user=self.user)
        except ValidationError as exc:
            add_service_error(self, exc)
            return None



class ReceivedForm(forms.Form):
    """The date (and reference) the ticked organizations' report was received (the owed-reports page)."""

    submitted_on = forms.DateField(label=_("Received on"), widget=date_input())
    reference = forms.CharField(label=_("Number / reference"), max_length=100, required=False)
