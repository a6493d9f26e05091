"""The metric registry: one class per family of TARGETS.md, registered by family code on import.

To add a family: write a ``Metric`` subclass in a module here with ``family``, ``reads`` (the change kinds
of ``core.events`` whose records it reads), ``parameters`` (``Param`` declarations: the target form and the
parameter check are generated from them) and a set-based ``compute``; decorate it with ``@register``; import
the module below. Families over records kept above the engine (the records organizations report: MODEL, DOC,
REP, DUE) live with those records (``targets.records.metrics``) and register from that app's ``ready``. See
docs/ARCHITECTURE.md."""

from targets.engine.metrics import (  # noqa: F401  (registers INSP, ADM)
    admissions,
    inspections,
    meetings,
    ratings,
)
from targets.engine.metrics.base import REGISTRY, Figure, Metric, Slot, register  # noqa: F401
