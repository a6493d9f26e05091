"""Input of the rating grids, members' and organizations' alike: which cells of the grid a user may
change, what the page shows in each cell, and the submitted grid turned into ``RowInput`` rows for the
grid engine (members.ratings.services.ratings_save).

The grid is a spreadsheet of a few dozen rows, not a set of model forms: every row is one subject keyed
by its row key, its inputs named ``m<member id>-<field>`` for a member or ``g<row key>-<field>``
(``go12-decided_level``) for an organization grid's subject. Only the service decides what may be saved;
this module never writes, it only reads the submitted values and says which inputs the page renders
editable. What differs between the subjects (extra fields, forcing rules) is read from the grid."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Layout
from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.forms import two_columns
from core.params import YEARS
from core.text import normalize
from core.uploads import XlsxUploadForm
from members.ratings.choices import RatingStatus, Recognition
from members.ratings.services import LEVEL_FIELDS, Grid, GridRow, RowInput
from organizations.forms import OrganizationChoiceField
from organizations.models import Organization
from organizations.permissions import Perm
from organizations.scoping import restrict_form_fields, user_can

ROW_FIELDS = (*LEVEL_FIELDS, "score", "note", "exception_reason")
NOTE_MAX = 500  # the model's proposal_note and exception_reason


def input_name(key: int | str, fieldname: str) -> str:
    """``m<member id>-<field>``, or ``g<row key>-<field>`` for an organization row's key (a str)."""
    return f"g{key}-{fieldname}" if isinstance(key, str) else f"m{key}-{fieldname}"


def row_fields(grid: Grid) -> tuple[str, ...]:
    """The inputs of a row: the levels, score, comment and exception, then the subject's extra fields
    (host units' yes / no standards)."""
    return ROW_FIELDS + grid.extra_fields


class GridForm(forms.Form):
    """The grid's own fields; the rows' inputs are read by ``rows_from_data``."""

    grid_version = forms.CharField(widget=forms.HiddenInput, max_length=64)
    cap_exception_reason = forms.CharField(
        label=gettext_lazy("Reason for an exception to the cap"), required=False, max_length=NOTE_MAX,
        help_text=gettext_lazy("Only when the grassroots committee decides more members as HTXS than the cap "
                               "allows (e.g. a unit with outstanding achievements). It is recorded with each "
                               "decision of this save."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}))


class GridUploadForm(XlsxUploadForm):
    file = forms.FileField(label=gettext_lazy("Filled rating template (.xlsx)"),
                           widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}))
    cap_exception_reason = GridForm.base_fields["cap_exception_reason"]


@dataclass
class GridCell:
    name: str
    value: str
    editable: bool
    errors: list[str] = field(default_factory=list)


@dataclass
class GridLine:
    """One row as the page shows it."""

    row: GridRow
    cells: dict[str, GridCell]
    warnings: list[str]
    decided: bool  # the current rating is decided (locked: a change is a new decision)

    @property
    def member(self):
        return getattr(self.row, "member", None)

    @property
    def key(self) -> int | str:
        return self.row.key

    @property
    def editable(self) -> bool:
        return any(c.editable for c in self.cells.values())

    @property
    def errors(self) -> list[str]:
        return [msg for c in self.cells.values() for msg in c.errors]


@dataclass
class Rights:
    """What the user may change in a grid: decisions with the deciding right on the grid's decider (the
    TCCSĐ; the committee), proposals on the rows whose organization (a member's cell; the rated
    organization) the user has PROPOSE_RATINGS on — the service's rule, shown before it is checked."""

    decide: bool
    propose_units: set[int]  # pks of the rows' organizations the user proposes for
    propose_here: bool = False  # PROPOSE_RATINGS on the grid's organization (rows or not)

    @classmethod
    def of(cls, user, grid: Grid) -> Rights:
        units = {row.organization.pk: row.organization for row in grid.rows}
        return cls(decide=user_can(user, grid.subject.decide_perm, grid.decider),
                   propose_units={pk for pk, org in units.items() if user_can(user, Perm.PROPOSE_RATINGS, org)},
                   propose_here=user_can(user, Perm.PROPOSE_RATINGS, grid.organization))

    @property
    def any(self) -> bool:
        return self.decide or self.propose_here or bool(self.propose_units)

    def may_change(self, row: GridRow) -> bool:
        return self.decide or row.organization.pk in self.propose_units


def _yes_no(value: bool | None) -> str:
    return "" if value is None else "1" if value else "0"


def current_values(grid: Grid, row: GridRow) -> dict[str, str]:
    rating = row.current
    if rating is None:
        return dict.fromkeys(row_fields(grid), "")
    return {f: _yes_no(getattr(rating, f)) for f in grid.extra_fields} | {
        "self_level": rating.self_level.code if rating.self_level else "",
        "proposed_level": rating.proposed_level.code if rating.proposed_level else "",
        "decided_level": rating.decided_level.code if rating.decided_level else "",
        "score": "" if rating.score is None else f"{rating.score.normalize():f}",
        "note": rating.proposal_note or "",
        "exception_reason": rating.exception_reason or "",
    }


def _editable(grid: Grid, row: GridRow, rights: Rights, decided: bool) -> dict[str, bool]:
    propose = row.rated and rights.may_change(row) and not decided
    decide = row.rated and rights.decide
    # A decided rating keeps its extra fields unless the decision itself changes (the service's rule).
    change = propose or (decide and not decided)
    return {
        "self_level": propose, "proposed_level": propose, "note": propose,
        "decided_level": decide,
        "score": decide and grid.scheme.has_score and not decided,
        # A decider re-deciding a locked rating may need to record why its level departs from the score's band.
        "exception_reason": grid.excusable(row) and (change or decide),
    } | dict.fromkeys(grid.extra_fields, change)


def grid_lines(grid: Grid, rights: Rights, data=None, errors: dict | None = None) -> list[GridLine]:
    """The rows of the page: the submitted values when re-rendering after an error, else the current ones."""
    errors = errors or {}
    lines = []
    for row in grid.rows:
        decided = bool(row.current and row.current.status == RatingStatus.DECIDED)
        editable = _editable(grid, row, rights, decided)
        current = current_values(grid, row)
        row_errors = errors.get(row.key, {})
        cells = {}
        for fieldname in row_fields(grid):
            name = input_name(row.key, fieldname)
            value = data[name] if data is not None and name in data else current[fieldname]
            cells[fieldname] = GridCell(name, value, editable[fieldname], list(row_errors.get(fieldname, [])))
        for fieldname, messages in row_errors.items():
            if fieldname not in cells:  # e.g. "rows": shown with the row's name
                cells["decided_level"].errors.extend(messages)
        lines.append(GridLine(row, cells, grid.warnings(row), decided))
    return lines


def parse_score(text: str) -> Decimal | None:
    """A score as written in Vietnamese (85,5) or English (85.5); raises ValueError."""
    text = (text or "").strip().replace(" ", "")
    if not text:
        return None
    if "," in text and "." in text:  # 1.234,5 is not a score, but accept the decimal comma after a dot
        text = text.replace(".", "")
    try:
        score = Decimal(text.replace(",", "."))
    except InvalidOperation:
        raise ValueError(text) from None
    if not score.is_finite():  # "NaN", "Infinity": Decimal reads them, no comparison with 0–100 can
        raise ValueError(text)
    return score


def _parse_yes_no(text: str) -> bool | None:
    return {"1": True, "0": False}.get(text)


def row_input(grid: Grid, row: GridRow, values: dict[str, str], errors: dict, *, rights: Rights) -> RowInput | None:
    """One RowInput from a row's values (missing fields keep the current value). Read errors (a score that
    is not a number, a note too long) go into ``errors`` under the row's key."""
    current = current_values(grid, row)
    fields = row_fields(grid)
    merged = {f: (values[f] if f in values and values[f] is not None else current[f]) for f in fields}
    merged = {f: " ".join(str(v).split()) if f in LEVEL_FIELDS else normalize(str(v)) for f, v in merged.items()}
    # An empty decided level from someone who may not decide must not clear the decision: the service
    # would refuse the whole grid for it, so keep the current one.
    if not rights.decide and not merged["decided_level"]:
        merged["decided_level"] = current["decided_level"]
    if not row.rated and all(merged[f] == current[f] for f in (*LEVEL_FIELDS, "note", *grid.extra_fields)):
        return None  # listed, not rated, nothing entered: the service would refuse any level on it
    row_errors = {}
    try:
        score = parse_score(merged["score"])
    except ValueError:
        score = None
        row_errors["score"] = [_("“%(value)s” is not a score: write a number from 0 to 100.")
                               % {"value": merged["score"]}]
    if score is not None and current["score"] and score == Decimal(current["score"]):
        score = None  # unchanged
    for fieldname in ("note", "exception_reason"):
        if len(merged[fieldname]) > NOTE_MAX:
            row_errors[fieldname] = [_("At most %(max)d characters.") % {"max": NOTE_MAX}]
            merged[fieldname] = merged[fieldname][:NOTE_MAX]
    if row_errors:
        errors.setdefault(row.key, {}).update(row_errors)
    return RowInput(key=row.key, self_level=merged["self_level"] or None,
                    proposed_level=merged["proposed_level"] or None, decided_level=merged["decided_level"] or None,
                    score=score, note=merged["note"], exception_reason=merged["exception_reason"],
                    **{f: _parse_yes_no(merged[f]) for f in grid.extra_fields})


def rows_from_data(grid: Grid, data, rights: Rights) -> tuple[list[RowInput], dict]:
    """The submitted page as RowInputs, and the errors of reading it, by row key and field."""
    errors: dict = {}
    rows = []
    for row in grid.rows:
        values = {f: data.get(input_name(row.key, f)) for f in row_fields(grid) if input_name(row.key, f) in data}
        if not values and not rights.may_change(row):
            continue  # a row the user may not change, left as it is
        item = row_input(grid, row, values, errors, rights=rights)
        if item is not None:
            rows.append(item)
    return rows, errors


class NotRatedForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Why the member is not rated"), max_length=500,
        help_text=gettext_lazy("E.g. a long assignment abroad. Exemption, suspension and admission less than 6 "
                               "months before are found from the register without this."))


class RecognitionForm(forms.Form):
    """A recognition: the organization among those the user decides ratings for, the year, the title, the
    deciding body and its decision. Which organization may hold which title is the service's check."""

    organization = OrganizationChoiceField(label=gettext_lazy("Party organization"),
                                           queryset=Organization.objects.order_by("path"))
    year = forms.IntegerField(label=gettext_lazy("Year"), min_value=YEARS.start, max_value=YEARS.stop - 1)
    title = forms.ChoiceField(label=gettext_lazy("Title"), choices=Recognition.choices)
    deciding_body = OrganizationChoiceField(label=gettext_lazy("Deciding body"),
                                            queryset=Organization.objects.order_by("path"))
    decision = forms.CharField(label=gettext_lazy("Decision number"), max_length=100, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        restrict_form_fields(self, user, Perm.DECIDE_ORG_RATINGS, actions={"deciding_body": Perm.VIEW})
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(*two_columns("organization", "year", "title", "deciding_body", "decision"))

