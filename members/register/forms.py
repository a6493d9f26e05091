"""Forms of the member register. They validate input and narrow choices to the user's scope; they never
save: the views hand ``cleaned_data`` to members.register.services, which holds the rules."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Layout
from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from core.forms import BoundedNumbers, date_input, two_columns
from core.uploads import XlsxUploadForm
from members.register.choices import LEAVING_REASONS, MembershipReason, StatusPeriodKind
from members.register.models import SENSITIVE_FIELDS, Member
from members.register.services import PROFILE_FIELDS
from organizations.display import parent_name, with_parent
from organizations.forms import CellChoiceField, RemoteSelect
from organizations.permissions import Perm
from organizations.scoping import restrict_form_fields

DATE_FIELDS = ("birth_date", "admission_date", "full_membership_date")

START_REASONS = [MembershipReason.TRANSFERRED_IN, MembershipReason.ADMITTED, MembershipReason.RECORDED]
TRANSFER_REASONS = [MembershipReason.MOVED, MembershipReason.RESTRUCTURED]


def member_label(member) -> str:
    """How a member reads in a picker: the name, the cell and its đảng bộ (two members may share a name)."""
    return f"{member.full_name} ({with_parent(member.cell, getattr(member, 'cell_parent_name', None))})"


class MemberSelect(RemoteSelect):
    """The member picker: a few options, the rest from ``members:member_autocomplete`` as the user types
    (``data-under`` / ``data-full`` narrow what it proposes, as the form's queryset does)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, url_name="members:member_autocomplete", **kwargs)

    def limit(self, queryset):
        return queryset.select_related("cell").annotate(cell_parent_name=parent_name("cell__"))


class MemberChoiceField(forms.ModelChoiceField):
    widget = MemberSelect

    def label_from_instance(self, obj):
        return member_label(obj)


def reason_choices(reasons):
    return [(r.value, r.label) for r in MembershipReason if r in reasons]


class MemberProfileForm(BoundedNumbers, forms.ModelForm):
    """The profile fields of PROFILE_FIELDS. Sensitive fields are left out when ``with_sensitive`` is
    false, so the page never carries values the user may not see; the service then leaves them as
    they are."""

    class Meta:
        model = Member
        fields = PROFILE_FIELDS
        widgets = {name: date_input() for name in DATE_FIELDS}

    def __init__(self, *args, with_sensitive: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not with_sensitive:
            for name in SENSITIVE_FIELDS:
                self.fields.pop(name, None)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(*self.layout_fields())

    def layout_fields(self):
        return two_columns(*[n for n in PROFILE_FIELDS if n in self.fields])

    def profile_data(self) -> dict:
        return {n: self.cleaned_data[n] for n in PROFILE_FIELDS if n in self.fields}


class MemberCreateForm(MemberProfileForm):
    cell = CellChoiceField(label=capfirst(_("party cell")))
    start_date = forms.DateField(label=_("Date joined the cell"), widget=date_input())
    start_reason = forms.ChoiceField(label=capfirst(_("reason for joining")),
                                     choices=reason_choices(START_REASONS), initial=MembershipReason.TRANSFERRED_IN)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        restrict_form_fields(self, user, Perm.CHANGE_MEMBERS)

    def layout_fields(self):
        return two_columns("cell", "start_date", "start_reason") + super().layout_fields()


class MemberEditForm(MemberProfileForm):
    # The version the editor loaded; the service refuses the save if someone saved in between.
    version = forms.IntegerField(widget=forms.HiddenInput)

    def layout_fields(self):
        return ["version", *super().layout_fields()]


class MemberTransferForm(forms.Form):
    to_cell = CellChoiceField(label=_("To party cell"))
    date = forms.DateField(label=_("Transfer date"), widget=date_input())
    reason = forms.ChoiceField(label=_("Reason"), choices=reason_choices(TRANSFER_REASONS))
    note = forms.CharField(label=capfirst(_("note")), max_length=255, required=False)

    def __init__(self, *args, user, member: Member | None, **kwargs):
        super().__init__(*args, **kwargs)
        if member is not None:  # one member (the bulk transfer: the service names a member already there)
            self.fields["to_cell"].queryset = self.fields["to_cell"].queryset.exclude(pk=member.cell_id)
        restrict_form_fields(self, user, Perm.CHANGE_MEMBERS)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(*two_columns("to_cell", "date", "reason", "note"))


class MemberLeaveForm(forms.Form):
    date = forms.DateField(label=_("Date of leaving"), widget=date_input())
    reason = forms.ChoiceField(label=capfirst(_("reason for leaving")), choices=reason_choices(LEAVING_REASONS))
    note = forms.CharField(label=capfirst(_("note")), max_length=255, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(*two_columns("date", "reason", "note"))


class MemberImportForm(XlsxUploadForm):
    start_reason = forms.ChoiceField(label=capfirst(_("reason for joining")),
                                     choices=reason_choices(START_REASONS), initial=MembershipReason.RECORDED,
                                     help_text=_("Recorded for every imported member's first membership period."))


class StatusPeriodForm(forms.Form):
    """A member's status period: exempted, suspended, on special duty, on sick leave. The end may stay open."""

    kind = forms.ChoiceField(label=capfirst(_("kind")), choices=StatusPeriodKind.choices)
    start = forms.DateField(label=_("From"), widget=date_input())
    end = forms.DateField(label=_("To"), widget=date_input(), required=False,
                          help_text=_("Leave empty while the period lasts."))
    decision = forms.CharField(label=_("Decision number"), max_length=100, required=False)
    decision_body = forms.CharField(label=capfirst(_("deciding body")), max_length=200, required=False)
    reason = forms.CharField(label=capfirst(_("reason")), max_length=255, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(*two_columns("kind", "start", "end", "decision", "decision_body", "reason"))

    @classmethod
    def initial_of(cls, period) -> dict:
        return {"kind": period.kind, "start": period.start, "end": period.end, "decision": period.decision,
                "decision_body": period.decision_body, "reason": period.reason}
