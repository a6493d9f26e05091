"""The demo data set (``manage.py seed_demo``): the tree, the register and the users (``register``), then the
records each app keeps, loaded on top in this order through the apps' own services."""

from __future__ import annotations

from devdata.demo.admissions import seed_admissions
from devdata.demo.inspections import seed_inspections
from devdata.demo.meetings import seed_meetings
from devdata.demo.ratings import seed_ratings
from devdata.demo.targets import seed_targets

EXTENSIONS = [
    seed_admissions,
    seed_ratings,
    seed_inspections,  # after the ratings: a discipline found later re-rates a rated year
    seed_meetings,
    seed_targets,  # last: attaches the resolutions and computes every target from all of the above
]
