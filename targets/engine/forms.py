"""Forms of resolutions and targets. They parse input and narrow the organization choices to the user's
scope; the rules a saved resolution or target keeps are checked by targets.engine.services, which the views
call with ``cleaned_data``."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy

from core.forms import BoundedNumbers, date_input
from core.params import YEARS
from organizations.models import Organization
from organizations.permissions import Perm
from organizations.scoping import restrict_form_fields
from targets.engine.models import Resolution, Target


class ResolutionForm(BoundedNumbers, forms.ModelForm):
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
            self.fields[name].widget.attrs.update({"min": YEARS.start, "max": YEARS.stop - 1})

    def _post_clean(self):
        pass  # the service validates the whole resolution (targets.engine.services.resolution_update)


class TargetForm(BoundedNumbers, forms.ModelForm):
    class Meta:
        model = Target
        fields = ["short_text", "clause", "comparator", "lower", "upper", "unit", "periodicity", "start_year",
                  "end_year", "applies_to", "method_note", "active", "params"]
        # Bounds are typed as people write them ("85" or "12,5"), and shown back the same way.
        localized_fields = ["lower", "upper"]
        widgets = {"clause": forms.Textarea(attrs={"rows": 3}),
                   "params": forms.Textarea(attrs={"rows": 4, "class": "font-monospace", "spellcheck": "false"})}
        help_texts = {"params": gettext_lazy("A JSON object, e.g. {\"levels\": [\"HTXS\", \"HTT\"]}.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A form posted without it keeps the target's current choice.
        self.fields["applies_to"].required = False
        self.fields["method_note"].widget.attrs["rows"] = 2

    def clean_applies_to(self):
        return self.cleaned_data.get("applies_to") or self.instance.applies_to

    def clean_params(self):
        # The JSON shape only; what the family accepts is checked by targets.engine.services.check_target.
        params = self.cleaned_data.get("params")
        return {} if params in (None, "") else params

    def _post_clean(self):
        pass  # the service validates the whole target (targets.engine.services.target_update)
