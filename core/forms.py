"""Form helpers every app's forms share."""

from __future__ import annotations

from crispy_forms.layout import Column, Row
from django import forms
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
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


# --- Numbers that fit their column ---------------------------------------------------------------------------

# A PostgreSQL ``integer``: the column of every IntegerField and PositiveIntegerField, and the bound of a number
# field that is no model field (a version, a count): beyond it the database refuses the value with a 500.
INTEGER_RANGE = (-2_147_483_648, 2_147_483_647)


class _Within:
    """One validator for both ends, so the message names the whole range the column accepts."""

    def __init__(self, low, high):
        self.low, self.high = low, high

    def __call__(self, value):
        from django.utils.translation import gettext as _

        if value is None:
            return
        if (self.low is not None and value < self.low) or (self.high is not None and value > self.high):
            if self.low is None:
                message = _("Enter a number of at most %(max)s.")
            else:
                message = _("Enter a number from %(min)s to %(max)s.")
            raise ValidationError(message, code="range", params={"min": self.low, "max": self.high})


def _column_range(form, name) -> tuple:
    from django.db import connection

    model = getattr(getattr(form, "_meta", None), "model", None)
    try:
        model_field = model._meta.get_field(name) if model is not None else None
    except FieldDoesNotExist:  # a form field that is no model field
        model_field = None
    if model_field is not None and hasattr(model_field, "get_internal_type"):
        internal = model_field.get_internal_type()
        if internal.endswith("IntegerField") and internal != "AutoField":
            low, high = connection.ops.integer_field_range(internal)
            return low, high
    return INTEGER_RANGE


def bound_numbers(form: forms.Form) -> None:
    """Give every whole-number field of ``form`` the bounds of its column — the model field's for a model form,
    a PostgreSQL integer's otherwise — keeping a narrower bound the field already has. Decimal fields are
    bounded by their digits (Django's DecimalField checks max_digits) and refuse NaN and infinities."""
    for name, field in form.fields.items():
        if not isinstance(field, forms.IntegerField) or isinstance(field, (forms.DecimalField, forms.FloatField)):
            continue
        low, high = _column_range(form, name)
        if field.min_value is not None:
            low = max(low, field.min_value)
        if field.max_value is not None:
            high = min(high, field.max_value)
        field.min_value, field.max_value = low, high
        # The field's own min/max validators go: one message naming the whole range instead of two.
        kept = [v for v in field.validators if not isinstance(v, (_Within, MinValueValidator, MaxValueValidator))]
        field.validators = [*kept, _Within(low, high)]


class BoundedNumbers:
    """Mixin of every form with a number field: the bounds are set when the form is cleaned, after its own
    ``__init__`` has replaced fields, so no number out of its column's range ever reaches the database."""

    def full_clean(self):
        bound_numbers(self)
        super().full_clean()
