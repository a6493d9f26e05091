"""URL access of the records organizations supply (/records/: reported figures, models and exemplars, required
documents, periodic report submissions). Every role reads its subtree's records; entering them needs
REPORT_FIGURES (administrators, committee staff, grassroots officers, cell secretaries — and the outsider,
committee staff over bloc B, whose create pages open with its own organizations). The records below are
created on demand: the figure and the submission belong to Đảng bộ Sở A1 (so the cell secretary of A1-1,
below it, does not see them), the model and the checklist to cell A1-1."""

from __future__ import annotations

from tests.url_access import VIEWERS, Access

REPORTERS = frozenset({"administrator", "committee_staff", "grassroots_officer", "cell_secretary"})
OUT_OF_SCOPE = {"outsider": 404, "no_role": 404}


def figure_of_a1(w):
    from targets.records.models import ReportedFigure, ReportIndicator
    from targets.records.services import reported_figure_create

    found = ReportedFigure.objects.filter(organization=w.tree.a1).first() or reported_figure_create(
        indicator=ReportIndicator.objects.get(code="staff_studied"), organization=w.tree.a1, year=2024,
        numerator=40, denominator=42)
    return {"pk": found.pk}


def model_of_a1_1(w):
    from targets.records.models import RegisteredModel
    from targets.records.services import registered_model_create

    found = RegisteredModel.objects.filter(organization=w.tree.a1_1).first() or registered_model_create(
        organization=w.tree.a1_1, year=2024, kind="ho_chi_minh", name="Mô hình “Dân vận khéo” thử")
    return {"pk": found.pk}


def submission_of_a1(w):
    import datetime as dt

    from targets.records.models import PeriodicReport, ReportSubmission
    from targets.records.services import report_submission_create

    found = ReportSubmission.objects.filter(organization=w.tree.a1).first() or report_submission_create(
        report=PeriodicReport.objects.get(code="degradation-quarterly"), organization=w.tree.a1, year=2024,
        quarter=1, submitted_on=dt.date(2024, 3, 18))
    return {"pk": found.pk}


ACCESS = {
    "records:figure_list": Access(ok=VIEWERS),
    "records:model_list": Access(ok=VIEWERS),
    "records:document_list": Access(ok=VIEWERS),
    "records:submission_list": Access(ok=VIEWERS),
    "records:submission_owed": Access(ok=VIEWERS),
    **{name: Access(ok=REPORTERS | {"outsider"})
       for name in ("records:figure_create", "records:model_create", "records:submission_create")},
    # Records of A1 itself: visible to the roles over bloc A and A1, read-only for inspection staff and
    # leadership; the cell secretary's scope (A1-1) is below A1, so for it they do not exist.
    "records:figure_edit": Access(ok=REPORTERS - {"cell_secretary"}, kwargs=figure_of_a1, denied=403,
                                  denied_overrides={**OUT_OF_SCOPE, "cell_secretary": 404}),
    "records:submission_edit": Access(ok=REPORTERS - {"cell_secretary"}, kwargs=submission_of_a1, denied=403,
                                      denied_overrides={**OUT_OF_SCOPE, "cell_secretary": 404}),
    "records:model_edit": Access(ok=REPORTERS, kwargs=model_of_a1_1, denied=403, denied_overrides=OUT_OF_SCOPE),
    "records:document_edit": Access(ok=REPORTERS, kwargs=lambda w: {"organization": w.tree.a1_1.pk, "year": 2024},
                                    denied=403, denied_overrides=OUT_OF_SCOPE),
}
