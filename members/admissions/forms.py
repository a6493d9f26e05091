"""Forms of the admission pages. They validate input and narrow choices to the user's scope; the views
hand ``cleaned_data`` to members.admissions.services, which holds the rules."""

from __future__ import annotations

import datetime as dt

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Layout
from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from core.forms import date_input, two_columns
from members.admissions.choices import StageCode
from members.admissions.models import AdmissionStage, Candidate
from members.admissions.services import CANDIDATE_FIELDS
from members.register.forms import MemberChoiceField
from members.register.models import Member
from organizations.forms import CellChoiceField
from organizations.permissions import Perm
from organizations.scoping import restrict_form_fields

SENSITIVE_FIELDS = ("ethnicity", "religion")
FLAGS = ("youth_union", "trade_union", "worker", "business_owner", "private_enterprise", "outstanding")


def _helper(*names) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.layout = Layout(*two_columns(*names))
    return helper


class CandidateForm(forms.ModelForm):
    cell = CellChoiceField(label=capfirst(_("party cell")))

    class Meta:
        model = Candidate
        fields = ("cell", *CANDIDATE_FIELDS)
        widgets = {"birth_date": date_input(), "planned_consideration_date": date_input()}

    def __init__(self, *args, user, with_sensitive: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        restrict_form_fields(self, user, Perm.RUN_ADMISSIONS)
        if not with_sensitive:
            for name in SENSITIVE_FIELDS:
                self.fields.pop(name)
        self.helper = FormHelper()
        self.helper.form_tag = False
        names = [n for n in self.fields if n not in FLAGS]
        self.helper.layout = Layout(*two_columns(*names), *two_columns(*FLAGS))

    def candidate_data(self) -> dict:
        return {n: self.cleaned_data[n] for n in CANDIDATE_FIELDS if n in self.fields}


class StageForm(forms.Form):
    stage = forms.ModelChoiceField(label=_("Stage"), queryset=AdmissionStage.objects.none())
    date = forms.DateField(label=capfirst(_("date")), widget=date_input())
    document_number = forms.CharField(label=capfirst(_("document number")), max_length=100, required=False)
    document_date = forms.DateField(label=capfirst(_("document date")), widget=date_input(), required=False)
    issuer = forms.CharField(label=capfirst(_("issued by")), max_length=150, required=False)
    note = forms.CharField(label=capfirst(_("note")), max_length=255, required=False)

    def __init__(self, *args, candidate: Candidate, **kwargs):
        super().__init__(*args, **kwargs)
        stages = AdmissionStage.objects.filter(active=True).exclude(code=StageCode.CEREMONY)
        self.fields["stage"].queryset = stages
        current = candidate.current_stage.order if candidate.current_stage else -1
        following = next((s for s in stages if s.order > current), None)
        if following is not None:
            self.fields["stage"].initial = following.pk
        self.helper = _helper("stage", "date", "document_number", "document_date", "issuer", "note")


class SponsorForm(forms.Form):
    member = MemberChoiceField(label=_("Sponsor"), queryset=Member.objects.none())
    date = forms.DateField(label=_("Date of sponsorship"), widget=date_input())
    worked_together_since = forms.DateField(label=_("Worked with the candidate since"), widget=date_input(),
                                            required=False)
    worked_12_months = forms.BooleanField(label=_("Worked with the candidate for at least 12 months"),
                                          required=False)

    def __init__(self, *args, user, candidate: Candidate, **kwargs):
        super().__init__(*args, **kwargs)
        grassroots = candidate.cell.grassroots() or candidate.cell
        self.fields["member"].queryset = (
            Member.objects.in_party().filter(cell__path__startswith=grassroots.path)
            .exclude(full_membership_date__isnull=True).select_related("cell"))
        restrict_form_fields(self, user)
        # Its autocomplete proposes what this queryset holds: full members under the grassroots organization.
        self.fields["member"].widget.attrs.update({"data-under": grassroots.pk, "data-full": "1"})
        self.helper = _helper("member", "date", "worked_together_since", "worked_12_months")


class AdmitForm(forms.Form):
    ceremony_date = forms.DateField(label=_("Ceremony date"), widget=date_input())
    note = forms.CharField(label=capfirst(_("note")), max_length=255, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper("ceremony_date", "note")


class ProbationDecisionForm(forms.Form):
    FIT = [("fit", _("Recognised as a full member")), ("unfit", _("Unfit: struck off"))]
    outcome = forms.ChoiceField(label=_("Decision"), choices=FIT, widget=forms.RadioSelect)
    decided_on = forms.DateField(label=_("Date the cell considered it"), widget=date_input())
    decision = forms.CharField(label=_("Resolution or decision number"), max_length=100, required=False)
    note = forms.CharField(label=capfirst(_("note")), max_length=255, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper("outcome", "decided_on", "decision", "note")


YES_NO = [("true", _("Yes")), ("false", _("No"))]


def default_year_range(today: dt.date | None = None) -> list[int]:
    today = today or dt.date.today()
    return list(range(min(2021, today.year), today.year + 1))
