"""REFERENCE COPY (issue 16): the registry the reference metrics register into (not the engine's)."""
# ruff: noqa
from targets.engine.metrics.base import Figure, Metric, target_slot  # noqa: F401
from tests.reference.slots import SLOTS_CTE, SLOTS_PERIOD_CTE, Slot, by_slot, fetch, slot_params  # noqa: F401

REFERENCE: dict = {}


def register(cls):
    REFERENCE[cls.family] = cls()
    return cls
