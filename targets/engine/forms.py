"""Forms of resolutions and targets. They parse input and narrow the organization choices to the user's
scope; the rules a saved resolution or target keeps are checked by targets.engine.services, which the views
call with ``cleaned_data``. A target's parameters are fields generated from its family's declarations
(``targets.engine.metrics.base.Param``): choices to pick, never JSON to type."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.forms import EMPTY_CHOICE, BoundedNumbers, date_input
from core.params import YEARS
from organizations.models import Organization
from organizations.permissions import Perm
from organizations.scoping import restrict_form_fields
from targets.engine.choices import Family
from targets.engine.metrics import REGISTRY
from targets.engine.metrics.base import CHOICE, CODES, COUNT, FLAG, Param
from targets.engine.models import Resolution, Target

PARAM_PREFIX = "p_"


class BaselineField(forms.CharField):
    """The baseline figures as lines "label: figure" (Vietnamese numbers: 2.712 or 12,5), stored as a list of
    {"label", "value"} in the document's order."""

    widget = forms.Textarea(attrs={"rows": 4})

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", _("One figure a line, e.g. “Tổ chức cơ sở đảng: 68”."))
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, list):
            return "\n".join(f"{row['label']}: {_number_text(row['value'])}" for row in value)
        return value

    def clean(self, value):
        text = super().clean(value)
        rows = []
        for number, line in enumerate((text or "").splitlines(), start=1):
            if not line.strip():
                continue
            label, _sep, figure = line.rpartition(":")
            try:
                amount = Decimal(re.sub(r"[\s.]", "", figure).replace(",", "."))
            except InvalidOperation:
                amount = None
            if not label.strip() or amount is None:
                raise ValidationError(_("Line %(line)s: write the label, a colon and the figure, e.g. "
                                        "“Đảng viên: 2.712”."), params={"line": number})
            rows.append({"label": label.strip(), "value": int(amount) if amount == amount.to_integral() else
                         float(amount)})
        return rows


def _number_text(value) -> str:
    if isinstance(value, int):
        return f"{value:,}".replace(",", ".")
    return str(value).replace(".", ",")


class ResolutionForm(BoundedNumbers, forms.ModelForm):
    baseline = BaselineField(label=_("baseline figures"))

    class Meta:
        model = Resolution
        fields = ["number", "kind", "title", "issuer_name", "issuing_body", "issued_on", "start_year", "end_year",
                  "scope", "source_text", "baseline"]
        widgets = {"issued_on": date_input(), "title": forms.Textarea(attrs={"rows": 2}),
                   "source_text": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        current = self.instance
        # The organization measured: one where the user may change targets (they become its targets); the
        # issuing body is often above the user's subtree (the province issues, the bloc carries out): any the
        # user sees. The current values stay choosable even when the user cannot see them.
        self.fields["scope"].queryset = Organization.objects.active().order_by("path")
        if "issuing_body" in self.fields:
            self.fields["issuing_body"].queryset = Organization.objects.order_by("path")
        restrict_form_fields(self, user, Perm.CHANGE_TARGETS, actions={"issuing_body": Perm.VIEW}, keep_current=True)
        # Once attached, a resolution stays attached: detaching would hide it and its figures from viewers.
        self.fields["scope"].required = current.pk is None or current.scope_id is not None
        for name in ("start_year", "end_year"):
            self.fields[name].widget.attrs.update({"min": YEARS.start, "max": YEARS.stop - 1})

    def _post_clean(self):
        pass  # the service validates the whole resolution (targets.engine.services.resolution_update)


class ResolutionCreateForm(ResolutionForm):
    class Meta(ResolutionForm.Meta):
        fields = ["code", *ResolutionForm.Meta.fields]


class ResolutionCopyForm(ResolutionForm):
    """What changes from the resolution copied: its code, number, date, years and title (the rest is copied)."""

    baseline = None  # copied

    class Meta(ResolutionForm.Meta):
        fields = ["code", "number", "title", "issued_on", "start_year", "end_year", "scope"]


def param_field(param: Param) -> forms.Field:
    """The form field of one declared parameter."""
    help_text = ""
    if param.default not in (None, "", [], False):
        shown = dict(param.options()).get(str(param.default), param.default)
        help_text = _("Default: %(value)s") % {"value": shown}
    # A parameter needed only with some values of another is checked by the family (the field cannot know).
    common = {"label": param.label, "required": param.required and not param.when, "help_text": help_text}
    if param.kind == CHOICE:
        return forms.ChoiceField(choices=[("", EMPTY_CHOICE), *param.options()], **common)
    if param.kind == CODES:
        return forms.MultipleChoiceField(choices=param.options(), widget=forms.CheckboxSelectMultiple, **common)
    if param.kind == COUNT:
        return forms.IntegerField(min_value=1, max_value=param.maximum or 1000, **common)
    if param.kind == FLAG:
        return forms.BooleanField(**{**common, "required": False})
    return forms.CharField(max_length=40, **common)


class TargetForm(BoundedNumbers, forms.ModelForm):
    """A target's fields and its family's parameters (fields ``p_<name>``); ``cleaned_data["params"]`` holds
    the parameters that apply, as the family reads them."""

    class Meta:
        model = Target
        fields = ["short_text", "clause", "comparator", "lower", "upper", "unit", "periodicity", "start_year",
                  "end_year", "applies_to", "method_note", "active"]
        # Bounds are typed as people write them ("85" or "12,5"), and shown back the same way.
        localized_fields = ["lower", "upper"]
        widgets = {"clause": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, family: str, **kwargs):
        super().__init__(*args, **kwargs)
        # A form posted without it keeps the target's current choice.
        self.fields["applies_to"].required = False
        self.fields["method_note"].widget.attrs["rows"] = 2
        self.metric = REGISTRY[family]
        current = self.instance.params or {}
        for param in self.metric.parameters:
            name = PARAM_PREFIX + param.name
            self.fields[name] = param_field(param)
            if param.name in current:
                self.initial.setdefault(name, current[param.name])

    @property
    def param_fields(self):
        return [self[PARAM_PREFIX + p.name] for p in self.metric.parameters]

    @property
    def target_fields(self):
        return [self[name] for name in self.fields if not name.startswith(PARAM_PREFIX)]

    def clean(self):
        data = super().clean()
        params = {}
        for param in self.metric.parameters:
            value = data.pop(PARAM_PREFIX + param.name, None)
            if value in (None, "", [], False):
                continue
            params[param.name] = value
        defaults = {p.name: p.default for p in self.metric.parameters}
        # A parameter that does not apply to the measure chosen (min_count of a measure other than forums) is
        # left out rather than refused: the form shows every parameter of the family.
        data["params"] = {name: value for name, value in params.items()
                          if next(p for p in self.metric.parameters if p.name == name).applies(params, defaults)}
        # What the form does not offer (the family's extra_params, e.g. LD-4f's rated part) is kept as it was.
        data["params"].update({name: value for name, value in (self.instance.params or {}).items()
                               if name in self.metric.extra_params})
        return data

    def clean_applies_to(self):
        return self.cleaned_data.get("applies_to") or self.instance.applies_to

    def _post_clean(self):
        pass  # the service validates the whole target (targets.engine.services.target_update)


class TargetCreateForm(TargetForm):
    class Meta(TargetForm.Meta):
        fields = ["code", *TargetForm.Meta.fields]


class FamilyForm(forms.Form):
    """The first step of a new target: its metric family (the parameters depend on it)."""

    family = forms.ChoiceField(label=_("metric family"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["family"].choices = [("", EMPTY_CHOICE), *((value, f"{value} — {label}")
                                                               for value, label in Family.choices
                                                               if value in REGISTRY)]
