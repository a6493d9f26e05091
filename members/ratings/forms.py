"""Input of the rating grids: which cells of the grid a user may change, what the page shows in
each cell, and the submitted grid turned into ``RowInput`` rows for ``member_ratings_save`` (members) or
``OrgRowInput`` rows for ``organization_ratings_save`` (organizations, collectives, mass organizations,
host units).

The grid is a spreadsheet of a few dozen rows, not a set of model forms: every row is one member, its
inputs are named ``m<member id>-<field>``, or one subject of an organization grid, named
``g<row key>-<field>`` (``go12-decided_level``). Only the service decides what may be saved; this module
never writes, it only reads the submitted values and says which inputs the page renders editable."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from members.ratings.choices import OrgRatingKind, RatingStatus
from members.ratings.org_services import OrgGrid, OrgRow, OrgRowInput
from members.ratings.services import MemberGrid, MemberRow, RowInput
from members.register.forms import XlsxUploadForm
from organizations.permissions import Perm
from organizations.scoping import user_can

LEVEL_FIELDS = ("self_level", "proposed_level", "decided_level")
ROW_FIELDS = LEVEL_FIELDS + ("score", "note", "exception_reason")
NOTE_MAX = 500  # the model's proposal_note and exception_reason
# Host units also record the standards targets use, as yes / no / not entered ("1", "0", "").
STANDARD_FIELDS = ("fulfilled_plan", "security_safe", "cultural_standard")
FORCED_KINDS = (OrgRatingKind.PARTY_ORG, OrgRatingKind.LEADERSHIP)  # where the forced KHT and the cap apply


def input_name(member_id: int | str, fieldname: str) -> str:
    """``m<member id>-<field>``, or ``g<row key>-<field>`` for an organization row's key (a str)."""
    return f"g{member_id}-{fieldname}" if isinstance(member_id, str) else f"m{member_id}-{fieldname}"


def row_id(row: MemberRow | OrgRow) -> int | str:
    """What errors and inputs are keyed by: a member's id, or an organization row's key."""
    return row.key if isinstance(row, OrgRow) else row.member.pk


def row_fields(grid: MemberGrid | OrgGrid) -> tuple[str, ...]:
    return ROW_FIELDS + STANDARD_FIELDS if getattr(grid, "kind", None) == OrgRatingKind.UNIT else ROW_FIELDS


def _proposer_unit(row: MemberRow | OrgRow) -> int:
    """The organization PROPOSE_RATINGS is checked on: the member's cell, or the rated organization."""
    return row.organization.pk if isinstance(row, OrgRow) else row.cell.pk


def _has_exception(row: MemberRow | OrgRow, grid) -> bool:
    """Whether the row may record an exception to a forced level."""
    if isinstance(row, OrgRow):
        return grid.kind in FORCED_KINDS and row.facts.forced
    return row.facts.disciplined


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
    """One member's row as the page shows it."""

    row: MemberRow
    cells: dict[str, GridCell]
    warnings: list[str]
    decided: bool  # the current rating is decided (locked: a change is a new decision)

    @property
    def member(self):
        return self.row.member

    @property
    def key(self) -> int | str:
        return row_id(self.row)

    @property
    def editable(self) -> bool:
        return any(c.editable for c in self.cells.values())

    @property
    def errors(self) -> list[str]:
        return [msg for c in self.cells.values() for msg in c.errors]


@dataclass
class Rights:
    """What the user may change in this grid: decisions on the grassroots organization, proposals per cell
    (an organization grid: decisions on the deciding committee, proposals per rated organization)."""

    decide: bool
    propose_cells: set[int]  # the cells (organization grid: the rated organizations) the user proposes for
    propose_here: bool = False  # PROPOSE_RATINGS on the grid's organization (rows or not)

    @classmethod
    def of(cls, user, grid: MemberGrid) -> Rights:
        cells = {row.cell.pk: row.cell for row in grid.rows}
        return cls(decide=user_can(user, Perm.DECIDE_MEMBER_RATINGS, grid.grassroots),
                   propose_cells={pk for pk, cell in cells.items() if user_can(user, Perm.PROPOSE_RATINGS, cell)},
                   propose_here=user_can(user, Perm.PROPOSE_RATINGS, grid.organization))

    @classmethod
    def of_organizations(cls, user, grid: OrgGrid) -> Rights:
        orgs = {row.organization.pk: row.organization for row in grid.rows}
        return cls(decide=user_can(user, Perm.DECIDE_ORG_RATINGS, grid.committee),
                   propose_cells={pk for pk, org in orgs.items() if user_can(user, Perm.PROPOSE_RATINGS, org)},
                   propose_here=user_can(user, Perm.PROPOSE_RATINGS, grid.committee))

    @property
    def any(self) -> bool:
        return self.decide or self.propose_here or bool(self.propose_cells)


def _yes_no(value: bool | None) -> str:
    return "" if value is None else "1" if value else "0"


def current_values(row: MemberRow | OrgRow) -> dict[str, str]:
    rating = row.current
    if rating is None:
        return {f: "" for f in ROW_FIELDS + STANDARD_FIELDS}
    standards = {f: _yes_no(getattr(rating, f, None)) for f in STANDARD_FIELDS}
    return standards | {
        "self_level": rating.self_level.code if rating.self_level else "",
        "proposed_level": rating.proposed_level.code if rating.proposed_level else "",
        "decided_level": rating.decided_level.code if rating.decided_level else "",
        "score": "" if rating.score is None else f"{rating.score.normalize():f}",
        "note": rating.proposal_note or "",
        "exception_reason": rating.exception_reason or "",
    }


def _editable(grid: MemberGrid | OrgGrid, row: MemberRow | OrgRow, rights: Rights, decided: bool) -> dict[str, bool]:
    propose = row.rated and _proposer_unit(row) in rights.propose_cells and not decided
    decide = row.rated and rights.decide
    # A decided rating keeps its standards unless the decision itself changes (the service's rule).
    standards = (propose or (decide and not decided)) and getattr(grid, "kind", None) == OrgRatingKind.UNIT
    return {
        "self_level": propose, "proposed_level": propose, "note": propose,
        "decided_level": decide,
        "score": decide and grid.scheme.has_score and not decided,
        "exception_reason": _has_exception(row, grid) and (propose or (decide and not decided)),
    } | dict.fromkeys(STANDARD_FIELDS, standards)


def warnings_for(grid: MemberGrid | OrgGrid, row: MemberRow | OrgRow) -> list[str]:
    scheme, warnings = grid.scheme, []
    if isinstance(row, OrgRow):
        if _has_exception(row, grid) and scheme.forced_level:
            warnings.append(_("Rated %(level)s: its leadership collective was disciplined or more than 20%% of its "
                              "subordinate units (%(disc)d of %(units)d) were disciplined in %(year)d.")
                            % {"level": scheme.forced_level, "disc": row.facts.subordinate_disciplined,
                               "units": row.facts.subordinate_units, "year": grid.year})
        return warnings
    if row.facts.disciplined and scheme.forced_level:
        warnings.append(_("Disciplined for a violation in %(year)d: rated %(level)s, unless the member found and "
                          "remedied it (record that exception with its reason).")
                        % {"year": grid.year, "level": scheme.forced_level})
    if row.facts.long_sick_leave and scheme.sick_leave_max_level:
        warnings.append(_("On sick leave %(days)d days in %(year)d: not above %(level)s.")
                        % {"days": row.facts.sick_days, "year": grid.year, "level": scheme.sick_leave_max_level})
    return warnings


def grid_lines(grid: MemberGrid | OrgGrid, rights: Rights, data=None, errors: dict | None = None) -> list[GridLine]:
    """The rows of the page: the submitted values when re-rendering after an error, else the current ones."""
    errors = errors or {}
    lines = []
    for row in grid.rows:
        decided = bool(row.current and row.current.status == RatingStatus.DECIDED)
        editable = _editable(grid, row, rights, decided)
        current = current_values(row)
        row_errors = errors.get(row_id(row), {})
        cells = {}
        for fieldname in row_fields(grid):
            name = input_name(row_id(row), fieldname)
            value = data[name] if data is not None and name in data else current[fieldname]
            cells[fieldname] = GridCell(name, value, editable[fieldname], list(row_errors.get(fieldname, [])))
        for fieldname, messages in row_errors.items():
            if fieldname not in cells:  # e.g. "rows": shown with the member's name
                cells["decided_level"].errors.extend(messages)
        lines.append(GridLine(row, cells, warnings_for(grid, row), decided))
    return lines


def parse_score(text: str) -> Decimal | None:
    """A score as written in Vietnamese (85,5) or English (85.5); raises ValueError."""
    text = (text or "").strip().replace(" ", "")
    if not text:
        return None
    if "," in text and "." in text:  # 1.234,5 is not a score, but accept the decimal comma after a dot
        text = text.replace(".", "")
    try:
        return Decimal(text.replace(",", "."))
    except InvalidOperation:
        raise ValueError(text) from None


def _parse_yes_no(text: str) -> bool | None:
    return {"1": True, "0": False}.get(text)


def row_input(row: MemberRow | OrgRow, values: dict[str, str], errors: dict, *,
              rights: Rights) -> RowInput | OrgRowInput | None:
    """One RowInput (an OrgRowInput for an organization row) from a row's values (missing fields keep the
    current value). Read errors (a score that is not a number, a note too long) go into ``errors`` under
    the member's id (the row's key)."""
    current = current_values(row)
    fields = ROW_FIELDS + STANDARD_FIELDS if isinstance(row, OrgRow) else ROW_FIELDS
    merged = {f: (values[f] if f in values and values[f] is not None else current[f]) for f in fields}
    merged = {f: " ".join(str(v).split()) if f in LEVEL_FIELDS else str(v).strip() for f, v in merged.items()}
    # An empty decided level from someone who may not decide must not clear the decision: the service
    # accepts a cleared decided level from a proposer, so keep the current one (see the report).
    if not rights.decide and not merged["decided_level"]:
        merged["decided_level"] = current["decided_level"]
    if not row.rated and all(merged[f] == current[f] for f in LEVEL_FIELDS + ("note",) + STANDARD_FIELDS
                             if f in merged):
        return None  # listed, not rated, nothing entered: the service would refuse any level on it
    member_errors = {}
    try:
        score = parse_score(merged["score"])
    except ValueError:
        score = None
        member_errors["score"] = [_("“%(value)s” is not a score: write a number from 0 to 100.")
                                  % {"value": merged["score"]}]
    if score is not None and current["score"] and score == Decimal(current["score"]):
        score = None  # unchanged
    for fieldname in ("note", "exception_reason"):
        if len(merged[fieldname]) > NOTE_MAX:
            member_errors[fieldname] = [_("At most %(max)d characters.") % {"max": NOTE_MAX}]
            merged[fieldname] = merged[fieldname][:NOTE_MAX]
    if member_errors:
        errors.setdefault(row_id(row), {}).update(member_errors)
    if isinstance(row, OrgRow):
        return OrgRowInput(key=row.key, self_level=merged["self_level"] or None,
                           proposed_level=merged["proposed_level"] or None,
                           decided_level=merged["decided_level"] or None, score=score, note=merged["note"],
                           exception_reason=merged["exception_reason"],
                           **{f: _parse_yes_no(merged[f]) for f in STANDARD_FIELDS})
    return RowInput(member_id=row.member.pk, self_level=merged["self_level"] or None,
                    proposed_level=merged["proposed_level"] or None, decided_level=merged["decided_level"] or None,
                    score=score, note=merged["note"], exception_reason=merged["exception_reason"])


def rows_from_data(grid: MemberGrid | OrgGrid, data, rights: Rights) -> tuple[list, dict]:
    """The submitted page as RowInputs (OrgRowInputs), and the errors of reading it, by member id (row
    key) and field."""
    errors: dict = {}
    rows = []
    for row in grid.rows:
        values = {f: data.get(input_name(row_id(row), f)) for f in row_fields(grid)
                  if input_name(row_id(row), f) in data}
        if not values and not rights.decide and _proposer_unit(row) not in rights.propose_cells:
            continue  # a row the user may not change, left as it is: the service would refuse it whole
        item = row_input(row, values, errors, rights=rights)
        if item is not None:
            rows.append(item)
    return rows, errors
