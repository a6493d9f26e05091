"""The metric registry: one class per family of TARGETS.md, registered by family code on import.

To add a family: write a ``Metric`` subclass in a module here with ``family``, ``reads`` (the change kinds
of ``targets.events`` whose records it reads), ``params_help`` and a set-based ``compute``; decorate it
with ``@register``; import the module below. See docs/ARCHITECTURE.md."""

from targets.metrics.base import REGISTRY, Figure, Metric, Slot, register  # noqa: F401
from targets.metrics import ratings  # noqa: F401,E402  (registers R-org, R-mem, T-org, MASS, UNIT)
from targets.metrics import reported  # noqa: F401,E402  (registers MODEL, DOC, REP, DUE)
from targets.metrics import inspections, admissions  # noqa: F401,E402  (registers INSP, ADM)
from targets.metrics import meetings  # noqa: F401,E402  (registers MEET)
