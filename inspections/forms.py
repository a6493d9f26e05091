"""Forms of inspections and discipline. Choice fields are narrowed to what the user may change."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import BoundedNumbers
from inspections.models import Discipline, Inspection
from members.register.models import Member
from organizations.models import Organization
from organizations.permissions import Perm
from organizations.scoping import restrict_form_fields

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class InspectionForm(BoundedNumbers, forms.ModelForm):
    class Meta:
        model = Inspection
        fields = ["activity", "kind", "conducting_body", "charter_article", "decision_number", "decision_date",
                  "members", "organizations", "period_start", "period_end", "start_date", "end_date", "conclusion",
                  "conclusion_text", "recommendations", "follow_up", "follow_up_due", "follow_up_done_on"]
        widgets = dict.fromkeys(("decision_date", "period_start", "period_end", "start_date", "end_date",
                                 "follow_up_due", "follow_up_done_on"), DATE)

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        orgs = Organization.objects.order_by("path")
        self.fields["conducting_body"].queryset = orgs
        self.fields["organizations"].queryset = orgs
        self.fields["members"].queryset = (Member.objects.filter(left_on__isnull=True).select_related("cell")
                                           .order_by("cell__path", "full_name"))
        restrict_form_fields(self, user, Perm.CHANGE_INSPECTIONS)
        self.fields["members"].label_from_instance = lambda m: f"{m.full_name} · {m.cell.name if m.cell else ''}"
        for name in ("members", "organizations"):
            self.fields[name].widget.attrs["size"] = 8
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("members"), data.pop("organizations"), data.pop("version", None)
        return data


class DisciplineRecordForm(BoundedNumbers, forms.ModelForm):
    class Meta:
        model = Discipline
        fields = ["member", "organization", "leadership_collective", "form", "violation_year", "decision_number",
                  "decision_date", "deciding_body", "self_remedied"]
        widgets = {"decision_date": DATE}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = Organization.objects.active().order_by("path")
        self.fields["deciding_body"].queryset = Organization.objects.order_by("path")
        self.fields["member"].queryset = Member.objects.filter(left_on__isnull=True).order_by("full_name")
        # The deciding body may be above the user's subtree (a higher committee decides): any it sees.
        restrict_form_fields(self, user, Perm.CHANGE_INSPECTIONS, actions={"deciding_body": Perm.VIEW})
        self.fields["member"].help_text = _("Either a party member or a party organization.")

    def _post_clean(self):
        pass  # the service validates the whole decision (forms allowed for the subject, the register)

