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

from core.forms import EMPTY_CHOICE, INTEGER_RANGE, BoundedNumbers, date_input
from core.params import YEARS
from organizations.models import Organization
from organizations.permissions import Perm
from organizations.scoping import restrict_form_fields
from targets.engine.baselines import figure_text
from targets.engine.choices import Family
from targets.engine.metrics import REGISTRY
from targets.engine.metrics.base import CHOICE, CODES, COUNT, FLAG, Param
from targets.engine.models import Resolution, ResolutionBaseline, Target

PARAM_PREFIX = "p_"


class BaselineForm(forms.ModelForm):
    """One baseline figure as the document states it: its date, the figure of the vocabulary (the register's
    counterpart), the document's own label where it differs, the value and a note. The rules the rows keep
    (a label for another figure, one figure a key and day) are checked by the service."""

    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    # Typed as the document writes it: 2.712 (a dot groups thousands) or 12,5 (a comma before the decimals).
    value = forms.CharField(label=_("value"), max_length=20)

    class Meta:
        model = ResolutionBaseline
        fields = ["as_of", "key", "label", "value", "note"]
        widgets = {"as_of": date_input()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        value = self.initial.get("value")
        if isinstance(value, (int, Decimal)):
            self.initial["value"] = figure_text(value)
        # Laid out as a table row: the column headers name the fields, each box carries its name for screen readers.
        for name, field in self.fields.items():
            css = "form-select form-select-sm" if name == "key" else "form-control form-control-sm"
            field.widget.attrs.update({"class": css, "aria-label": str(field.label)})

    def clean_value(self):
        text = re.sub(r"[\s.]", "", self.cleaned_data["value"]).replace(",", ".")
        try:
            value = Decimal(text)
        except InvalidOperation:
            value = None
        if value is None or not value.is_finite() or value < 0 or value != value.quantize(Decimal("0.01")):
            raise ValidationError(_("Write the figure as the document does, e.g. 2.712 or 12,5."))
        if value > INTEGER_RANGE[1]:  # a count of members or organizations; beyond it, a typing slip
            raise ValidationError(_("Enter a number from %(min)s to %(max)s."),
                                  params={"min": 0, "max": INTEGER_RANGE[1]})
        return value

    def _post_clean(self):
        pass  # the service validates the rows (targets.engine.services.check_baselines)


class BaseBaselineFormSet(forms.BaseFormSet):
    def clean(self):
        counts = {name: value or 0 for name, value in getattr(self.management_form, "cleaned_data", {}).items()}
        if any(value > INTEGER_RANGE[1] for value in counts.values()) or \
                counts.get("INITIAL_FORMS", 0) > counts.get("TOTAL_FORMS", 0):
            raise ValidationError(_("The baseline figures' form was altered: load the page again."))

    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].widget.attrs.update({"class": "form-check-input", "aria-label": str(_("Delete"))})

    def rows(self) -> list[dict]:
        """The figures as the form leaves them: one dict a filled, undeleted form (``id`` for an existing row)."""
        rows = []
        for form in self.forms:
            data = getattr(form, "cleaned_data", None) or {}
            if not data or data.get("DELETE") or not (form.has_changed() or data.get("id")):
                continue  # an empty extra form, or a figure struck out
            rows.append({k: v for k, v in data.items() if k != "DELETE"})
        return rows


BaselineFormSet = forms.formset_factory(BaselineForm, formset=BaseBaselineFormSet, extra=3, can_delete=True)
BASELINE_PREFIX = "baseline"


def baseline_formset(data=None, resolution: Resolution | None = None) -> BaseBaselineFormSet:
    """The resolution's baseline figures as a formset (its rows, and three empty ones to add)."""
    initial = []
    if resolution is not None and resolution.pk:
        initial = [{"id": b.pk, "as_of": b.as_of, "key": b.key, "label": b.label, "value": b.value, "note": b.note}
                   for b in resolution.baselines.order_by("as_of", "id")]
    return BaselineFormSet(data, initial=initial, prefix=BASELINE_PREFIX)


class ResolutionForm(BoundedNumbers, forms.ModelForm):
    """A resolution's fields; its baseline figures are a formset beside it (``baseline_formset``)."""

    class Meta:
        model = Resolution
        fields = ["number", "kind", "title", "issuer_name", "issuing_body", "issued_on", "start_year", "end_year",
                  "scope", "source_text"]
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

    # Its baseline figures are copied with the rest.

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
