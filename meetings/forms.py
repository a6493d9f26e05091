"""Forms of cell meetings. They validate input and narrow choices to what the user may see; they never
save: the views hand ``cleaned_data`` to meetings.services."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import EMPTY_CHOICE, BoundedNumbers, date_input
from meetings.choices import MARKABLE, AgendaItem, AttendanceStatus, MeetingFormat, MeetingKind
from members.register.models import Member
from organizations.forms import OrganizationChoiceField, active_organizations
from organizations.models import Organization
from organizations.permissions import Perm
from organizations.scoping import restrict_form_fields

YES_NO_UNKNOWN = [("", _("Not recorded")), ("true", _("Yes")), ("false", _("No"))]


def _to_bool(value):
    return {"true": True, "false": False}.get(value)


def changeable_cells(user):
    return Organization.objects.visible_to(user, Perm.CHANGE_MEETINGS).cells().active()


class MemberChoice(forms.ModelChoiceField):
    def __init__(self, *args, **kwargs):
        # The meeting form writes its own <select>, so the widget template's placeholder does not apply.
        kwargs.setdefault("empty_label", EMPTY_CHOICE)
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj):
        return obj.full_name


class PositionChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.member.full_name} — {obj.get_position_display()}, {obj.organization.name}"


class MeetingForm(BoundedNumbers, forms.Form):
    """The whole log of a meeting on one page. Built for a cell and its expected attendees (membership
    periods on the date shown): one present / with reason / without reason choice per member, everyone
    present unless tapped; exempted members and those on special duty are listed without a choice."""

    date = forms.DateField(label=_("Date"), widget=date_input(), input_formats=["%d/%m/%Y", "%Y-%m-%d"])
    kind = forms.ChoiceField(label=_("Kind"), choices=MeetingKind.choices, initial=MeetingKind.REGULAR)
    includes_thematic = forms.BooleanField(label=_("A thematic meeting held in the same session"), required=False)
    start_time = forms.TimeField(label=_("Start"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    end_time = forms.TimeField(label=_("End"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    format = forms.ChoiceField(label=_("Format"), choices=MeetingFormat.choices, initial=MeetingFormat.IN_PERSON)
    chair = MemberChoice(label=_("Chair"), queryset=Member.objects.none(), required=False)
    minute_taker = MemberChoice(label=_("Minute-taker"), queryset=Member.objects.none(), required=False)
    agenda = forms.MultipleChoiceField(label=_("Agenda"), choices=AgendaItem.choices, required=False,
                                       widget=forms.CheckboxSelectMultiple)
    agenda_other = forms.CharField(label=_("Other agenda items"), required=False,
                                   widget=forms.Textarea(attrs={"rows": 2}))
    conclusions = forms.CharField(label=_("Conclusions / resolution"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 4}))
    documents_posted_on = forms.DateField(label=_("Documents posted on"), widget=date_input(), required=False,
                                          input_formats=["%d/%m/%Y", "%Y-%m-%d"])
    preparation_ok = forms.ChoiceField(label=_("Properly prepared (the cell committee met beforehand, draft "
                                               "resolution)"), choices=YES_NO_UNKNOWN, required=False)
    principles_ok = forms.ChoiceField(label=_("Principles followed"), choices=YES_NO_UNKNOWN, required=False)
    minutes = forms.FileField(label=_("Minutes (attachment)"), required=False)
    upper_positions = PositionChoice(label=_("Upper-level attendees"), queryset=Member.objects.none(),
                                     required=False, widget=forms.CheckboxSelectMultiple)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, expected, candidates, criteria=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.expected = list(expected)
        member_ids = [p.member_id for p in self.expected]
        for name in ("chair", "minute_taker"):
            self.fields[name].queryset = Member.objects.filter(pk__in=member_ids).order_by("full_name")
        self.fields["upper_positions"].queryset = candidates
        self.rows = []
        status_choices = [(s.value, s.label) for s in AttendanceStatus if s in MARKABLE]
        for period in self.expected:
            pk = period.member_id
            if period.excluded_kind:
                self.rows.append({"period": period, "excluded": True})
                continue
            self.fields[f"att_{pk}"] = forms.ChoiceField(choices=status_choices, initial=AttendanceStatus.PRESENT,
                                                         widget=forms.RadioSelect, required=False)
            self.fields[f"reason_{pk}"] = forms.CharField(required=False, max_length=255)
            self.rows.append({"period": period, "excluded": False, "status": self[f"att_{pk}"],
                              "reason": self[f"reason_{pk}"]})
        self.criteria = list(criteria)
        self.score_rows = []
        for criterion in self.criteria:
            name = f"score_{criterion.pk}"
            self.fields[name] = forms.DecimalField(required=False, min_value=Decimal(0),
                                                   max_value=criterion.max_points, decimal_places=1,
                                                   widget=forms.NumberInput(attrs={"step": "0.5",
                                                                                   "inputmode": "decimal"}))
            self.score_rows.append({"criterion": criterion, "field": self[name]})

    def clean(self):
        """A member marked absent with reason needs the reason: said on that member's own row (the service
        refuses it too, but only as a sentence over the whole list)."""
        data = super().clean()
        for row in self.rows:
            if row["excluded"]:
                continue
            pk = row["period"].member_id
            reason = (data.get(f"reason_{pk}") or "").strip()
            if data.get(f"att_{pk}") == AttendanceStatus.ABSENT_EXCUSED and not reason:
                self.add_error(f"reason_{pk}", _("Write the reason for %(name)s's absence.")
                               % {"name": row["period"].member.full_name})
        return data

    def absences(self) -> dict[int, tuple[str, str]]:
        data = self.cleaned_data
        found = {}
        for row in self.rows:
            if row["excluded"]:
                continue
            pk = row["period"].member_id
            status = data.get(f"att_{pk}") or AttendanceStatus.PRESENT
            if status != AttendanceStatus.PRESENT:
                found[pk] = (status, data.get(f"reason_{pk}", ""))
        return found

    def scores(self) -> dict[int, Decimal | None] | None:
        if not self.criteria:
            return None
        return {c.pk: self.cleaned_data.get(f"score_{c.pk}") for c in self.criteria}

    def meeting_fields(self) -> dict:
        data = self.cleaned_data
        fields = {k: data[k] for k in ("date", "kind", "includes_thematic", "start_time", "end_time", "format",
                                       "chair", "minute_taker", "agenda", "agenda_other", "conclusions",
                                       "documents_posted_on")}
        fields["preparation_ok"] = _to_bool(data.get("preparation_ok"))
        fields["principles_ok"] = _to_bool(data.get("principles_ok"))
        if data.get("minutes"):
            fields["minutes"] = data["minutes"]
        return fields


class RubricForm(forms.Form):
    """A rubric written as plain lines, which works on any device without a spreadsheet-like editor."""

    name = forms.CharField(label=_("Name"), max_length=255)
    legal_basis = forms.CharField(label=_("Legal basis"), max_length=255, required=False)
    criteria = forms.CharField(
        label=_("Criteria"), widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("One criterion per line: section | criterion | maximum points."))
    levels = forms.CharField(
        label=_("Levels"), widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One level per line: name | minimum points."))
    year_rules = forms.CharField(
        label=_("Yearly rules"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One rule per line: yearly grade | every regular meeting at least | counted level | count."))

    @staticmethod
    def _lines(text, parts, name):
        rows = []
        for n, line in enumerate((text or "").splitlines(), start=1):
            if not line.strip():
                continue
            cells = [c.strip() for c in line.split("|")]
            if len(cells) != parts:
                raise forms.ValidationError(_("Line %(n)d of %(field)s needs %(parts)d parts separated by |.")
                                            % {"n": n, "field": name, "parts": parts})
            rows.append(cells)
        return rows

    # Points are stored with 5 digits, one after the comma (RubricCriterion.max_points, RubricLevel.min_points).
    MAX_POINTS = Decimal("9999.9")

    @classmethod
    def _number(cls, text, n):
        try:
            value = Decimal(text.replace(",", "."))
        except ArithmeticError as exc:
            raise forms.ValidationError(_("Line %(n)d: “%(text)s” is not a number.") % {"n": n, "text": text}) from exc
        if not value.is_finite() or abs(value) > cls.MAX_POINTS:
            raise forms.ValidationError(_("Line %(n)d: “%(text)s” is not a number from 0 to %(max)s.")
                                        % {"n": n, "text": text, "max": "9999,9"})
        return value

    def clean_criteria(self):
        sections: dict[str, list] = {}
        for n, (section, criterion, points) in enumerate(self._lines(self.cleaned_data["criteria"], 3,
                                                                     _("criteria")), start=1):
            sections.setdefault(section, []).append((criterion, self._number(points, n)))
        return list(sections.items())

    def clean_levels(self):
        return [(name, self._number(points, n))
                for n, (name, points) in enumerate(self._lines(self.cleaned_data["levels"], 2, _("levels")), start=1)]

    def clean_year_rules(self):
        rules = []
        for n, (grade, all_at_least, top, count) in enumerate(
                self._lines(self.cleaned_data["year_rules"], 4, _("yearly rules")), start=1):
            rules.append((grade, all_at_least or None, top or None, int(self._number(count or "0", n))))
        return rules


class RubricChooseForm(BoundedNumbers, forms.Form):
    organization = OrganizationChoiceField(label=_("Use for the cells under"), queryset=active_organizations())
    from_year = forms.IntegerField(label=_("From year"), min_value=2000, max_value=2100)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        restrict_form_fields(self, user, Perm.CHANGE_TARGETS)
