"""Issue 16, item 4: a target with bad parameters is refused by its form, and one forced into the database
fails alone — its error on its page and in the run — while the other targets of the run complete."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from core.choices import RunStatus
from targets.engine.choices import RunKind
from targets.engine.metrics import REGISTRY
from targets.engine.models import Attainment, RecomputeRun, Target
from targets.engine.recompute import full_plan, run_recompute
from tests.test_targets_views import attach, target_data

pytestmark = pytest.mark.django_db

YEAR = 2024

# One bad parameter set per family, each refused by the family's own check (the catalogue's good ones pass).
BAD = {
    "R-org": {"subject": "tccsd", "levels": ["NOT_A_LEVEL"]},
    "R-mem": {"levels": []},
    "T-org": {"subject": "planets", "titles": ["tsvm"]},
    "MASS": {"level": "galaxy", "levels": ["HTT"]},
    "UNIT": {"flags": ["made_up"]},
    "INSP": {"subject": "everyone"},
    "ADM": {"measure": "admissions", "attributes": ["left_handed"]},
    "MEET": {"measure": "weekly"},
    "MODEL": {"subject": "cells", "min_count": 0},
    "DOC": {"cadence": "monthly"},
    "REP": {"indicator": "no-such-indicator"},
    "DUE": {"report": "no-such-report"},
}


def test_every_family_checks_its_parameters():
    assert set(BAD) == set(REGISTRY)
    for family, params in BAD.items():
        assert REGISTRY[family].validate_params(params), family
    # and every catalogue target's parameters pass their family's check
    for target in Target.objects.computable():
        assert REGISTRY[target.family].validate_params(target.params) == [], target.code


def test_the_target_form_refuses_a_bad_parameter(tree, client_for):
    resolution = attach(tree.bloc_a, ("LD-4b",))
    target = resolution.targets.get()
    before = Target.objects.values().get(pk=target.pk)
    with translation.override("vi"):
        response = client_for("committee_staff").post(reverse("targets:target_edit", args=[target.pk]),
                                                      target_data(target, p_levels=["KHONG_CO"]))
    assert response.status_code == 200
    errors = response.context["form"].errors["p_levels"]
    assert len(errors) == 1 and "KHONG_CO" in errors[0]
    assert Target.objects.values().get(pk=target.pk) == before


def test_a_target_forced_into_the_database_fails_alone(tree, client_for):
    resolution = attach(tree.bloc_a, ("LD-4b", "LD-4c"))
    good, bad = resolution.targets.order_by("order")
    run_recompute(RecomputeRun.objects.create(kind=RunKind.FULL), full_plan(RecomputeRun(kind=RunKind.FULL)))
    bad_rows_before = set(Attainment.objects.filter(target=bad).values_list("pk", "computed_at"))
    assert bad_rows_before
    # Forced past the form (an import, a shell, an older version): the family's check refuses it at compute time.
    Target.objects.filter(pk=bad.pk).update(params={"levels": ["KHONG_CO"]})

    run = RecomputeRun.objects.create(kind=RunKind.FULL)
    run = run_recompute(run, full_plan(run))

    assert run.status == RunStatus.DONE and run.done == run.total
    assert bad.code in run.error and "KHONG_CO" in run.error and good.code not in run.error
    good_times = set(Attainment.objects.filter(target=good).values_list("computed_at", flat=True))
    assert good_times and min(good_times) >= run.started_at  # the good one was recomputed
    # the bad one kept its previous complete set of rows
    assert set(Attainment.objects.filter(target=bad).values_list("pk", "computed_at")) == bad_rows_before
    bad.refresh_from_db()
    assert "KHONG_CO" in bad.compute_error and bad.compute_error_at is not None

    # Its page says so, and the run's page lists it.
    client = client_for("committee_staff")
    page = client.get(reverse("dashboard:target", args=[bad.pk, tree.bloc_a.pk, YEAR]))
    assert page.status_code == 200 and b'data-test="compute-error"' in page.content
    assert "KHONG_CO" in page.content.decode()
    detail = client.get(reverse("targets:resolution_detail", args=[resolution.pk]))
    assert detail.content.decode().count('data-test="compute-error"') == 1

    # Fixed, the next run clears the error.
    Target.objects.filter(pk=bad.pk).update(params=good.params)
    run = RecomputeRun.objects.create(kind=RunKind.FULL)
    run = run_recompute(run, full_plan(run))
    bad.refresh_from_db()
    assert run.status == RunStatus.DONE and run.error == "" and bad.compute_error == ""


def test_a_run_where_every_target_fails_is_failed(tree):
    resolution = attach(tree.bloc_a, ("LD-4b",))
    Target.objects.filter(resolution=resolution).update(params={"levels": ["KHONG_CO"]})
    run = RecomputeRun.objects.create(kind=RunKind.FULL, resolution=resolution)
    run = run_recompute(run, full_plan(run))
    assert run.status == RunStatus.FAILED and "KHONG_CO" in run.error
