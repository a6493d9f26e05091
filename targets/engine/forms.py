"""Forms of resolutions and targets. Organization choices are narrowed with the scoping querysets, and a
target's bounds and parameters are checked here so a saved target is always one the engine can judge."""

from __future__ import annotations

import re
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from members.register.forms import date_input
from organizations.models import Organization
from organizations.permissions import Perm
from organizations.scoping import restrict_form_fields
from targets.engine.choices import Comparator, Periodicity, Unit
from targets.engine.metrics import REGISTRY
from targets.engine.models import Resolution, Target

YEARS = (1930, 2100)


class ResolutionForm(forms.ModelForm):
    class Meta:
        model = Resolution
        fields = ["number", "kind", "title", "issuer_name", "issuing_body", "issued_on", "start_year", "end_year",
                  "scope"]
        widgets = {"issued_on": date_input(), "title": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        current = self.instance
        # The organization measured: one where the user may change targets (they become its targets); the
        # issuing body is often above the user's subtree (the province issues, the bloc carries out): any the
        # user sees. The current values stay choosable even when the user cannot see them.
        self.fields["scope"].queryset = Organization.objects.active().order_by("path")
        self.fields["issuing_body"].queryset = Organization.objects.order_by("path")
        restrict_form_fields(self, user, Perm.CHANGE_TARGETS, actions={"issuing_body": Perm.VIEW}, keep_current=True)
        # Once attached, a resolution stays attached: detaching would hide it and its figures from viewers.
        self.fields["scope"].required = current.scope_id is not None
        for name in ("start_year", "end_year"):
            self.fields[name].widget.attrs.update({"min": YEARS[0], "max": YEARS[1]})

    def clean(self):
        data = super().clean()
        start, end = data.get("start_year"), data.get("end_year")
        for name in ("start_year", "end_year"):
            value = data.get(name)
            if value is not None and not YEARS[0] <= value <= YEARS[1]:
                self.add_error(name, _("Enter a year between %(low)s and %(high)s.") % {"low": YEARS[0],
                                                                                       "high": YEARS[1]})
        if start and end and start > end:
            self.add_error("end_year", _("The last year must not be before the first year."))
        return data


NEEDS_LOWER = {Comparator.GTE, Comparator.GT, Comparator.RANGE}
NEEDS_UPPER = {Comparator.LTE, Comparator.LT, Comparator.RANGE}
_UNKNOWN_PARAMETER = re.compile(r"^unknown parameter '(?P<name>.+)'$")


def params_problem_text(problem: str, metric) -> str:
    """A metric's parameter problem in the interface language. Metrics report problems as English
    sentences; the one every metric shares (an unknown key) is recognised and translated, with the keys
    the family accepts, and anything else is shown after a translated lead-in."""
    match = _UNKNOWN_PARAMETER.match(problem)
    if match:
        allowed = ", ".join(sorted(metric.params_help)) or "—"
        return _("Unknown parameter “%(name)s”. This metric family accepts: %(allowed)s.") % {
            "name": match["name"], "allowed": allowed}
    return _("Invalid parameters: %(problem)s") % {"problem": problem}


class TargetForm(forms.ModelForm):
    class Meta:
        model = Target
        fields = ["short_text", "clause", "comparator", "lower", "upper", "unit", "periodicity", "start_year",
                  "end_year", "active", "params"]
        # Bounds are typed as people write them ("85" or "12,5"), and shown back the same way.
        localized_fields = ["lower", "upper"]
        widgets = {"clause": forms.Textarea(attrs={"rows": 3}),
                   "params": forms.Textarea(attrs={"rows": 4, "class": "font-monospace", "spellcheck": "false"})}
        help_texts = {"params": gettext_lazy("A JSON object, e.g. {\"levels\": [\"HTXS\", \"HTT\"]}.")}

    def clean_params(self):
        params = self.cleaned_data.get("params")
        if params is None or params == "":
            params = {}
        if not isinstance(params, dict):
            raise ValidationError(_("The parameters must be a JSON object (between { and })."))
        metric = REGISTRY.get(self.instance.family)
        if metric is not None:  # a family whose metric is not written yet has nothing to check against
            problems = metric.validate_params(params)
            if problems:
                raise ValidationError([params_problem_text(p, metric) for p in problems])
        return params

    def clean(self):
        data = super().clean()
        comparator = data.get("comparator")
        lower, upper = data.get("lower"), data.get("upper")
        if comparator:
            for name, value, needed in (("lower", lower, comparator in NEEDS_LOWER),
                                        ("upper", upper, comparator in NEEDS_UPPER)):
                if needed and value is None and name not in self.errors:
                    self.add_error(name, _("Required for this comparator."))
                elif not needed and value is not None:
                    self.add_error(name, _("Leave empty for this comparator."))
            if comparator == Comparator.RANGE and lower is not None and upper is not None and lower > upper:
                self.add_error("upper", _("The upper bound must not be below the lower bound."))
        unit = data.get("unit")
        for name, value in (("lower", lower), ("upper", upper)):
            if value is None or name in self.errors:
                continue
            if unit == Unit.PERCENT and not Decimal(0) <= value <= Decimal(100):
                self.add_error(name, _("A percentage lies between 0 and 100."))
            elif value < 0:
                self.add_error(name, _("A count cannot be negative."))
        start, end = data.get("start_year"), data.get("end_year")
        for name, value in (("start_year", start), ("end_year", end)):
            if value is not None and not YEARS[0] <= value <= YEARS[1]:
                self.add_error(name, _("Enter a year between %(low)s and %(high)s.") % {"low": YEARS[0],
                                                                                       "high": YEARS[1]})
        if start and end and start > end:
            self.add_error("end_year", _("The last year must not be before the first year."))
        if data.get("periodicity") == Periodicity.BY_YEAR and end is None and "end_year" not in self.errors:
            self.add_error("end_year", _("A target to reach by a given year needs that year."))
        return data
