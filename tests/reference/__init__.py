"""REFERENCE COPY (issue 16) of the metric families and slot enumeration before the dated ancestry table:
``REFERENCE[family].compute(target, slots)`` and ``scope_slots(target, years)`` as they were."""
# ruff: noqa
from tests.reference import admissions, inspections, meetings, ratings, records  # noqa: F401  (register)
from tests.reference.base import REFERENCE  # noqa: F401
from tests.reference.scopes import scope_slots  # noqa: F401
