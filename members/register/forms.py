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
from members.register.choices import LEAVING_REASONS, MembershipReason
from members.register.models import SENSITIVE_FIELDS, Member
from members.register.services import PROFILE_FIELDS
from organizations.forms import CellChoiceField
from organizations.permissions import Perm
from organizations.scoping import restrict_form_fields

DATE_FIELDS = ("birth_date", "admission_date", "full_membership_date")

START_REASONS = [MembershipReason.TRANSFERRED_IN, MembershipReason.ADMITTED, MembershipReason.RECORDED]
TRANSFER_REASONS = [MembershipReason.MOVED, MembershipReason.RESTRUCTURED]


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

    def __init__(self, *args, user, member: Member, **kwargs):
        super().__init__(*args, **kwargs)
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
