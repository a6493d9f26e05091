"""Form helpers every app's forms share."""

from __future__ import annotations

from crispy_forms.layout import Column, Row
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# The empty choice of a select, instead of Django's "---------" (templates/django/forms/widgets/select_option.html
# shows the same words for every select the widgets render).
EMPTY_CHOICE = _("— Choose —")


def date_input():
    # A text box in dd/mm/yyyy rather than the browser's date picker, whose display follows the browser's
    # locale (often mm/dd/yyyy) instead of the administrative format.
    return forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric",
                                                    "autocomplete": "off"})


def add_service_error(form: forms.Form, exc: ValidationError, field_map: dict | None = None) -> None:
    """Show a service's ValidationError on the form: on its field when the form has it, else on top."""
    field_map = field_map or {}
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            target = field_map.get(field, field)
            form.add_error(target if target in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def two_columns(*names):
    """Pairs of fields side by side from the md breakpoint, stacked on a phone."""
    return [Row(*[Column(n, css_class="col-12 col-md-6") for n in names[i:i + 2]]) for i in range(0, len(names), 2)]
