"""How an organization is named where it could be mistaken for another: a cell always with the đảng bộ it
sits under (issue 20, item 8), in lists, overviews, boards, drill-downs and pickers alike.

``with_parent(org)`` is the one way to write it; ``parent_name()`` is the subquery a list annotates so that
naming every row costs no query of its own (``.annotate(parent_name=parent_name())``, or
``parent_name("cell__")`` on rows that hang on a cell). Without the annotation the parent is read once for
that organization (fine on a detail page, not in a list)."""

from __future__ import annotations

from django.db.models import OuterRef, Subquery
from django.db.models.functions import Length, Substr

SEPARATOR = " · "


def parent_name(prefix: str = "") -> Subquery:
    """The name of the parent of the organization at ``prefix + "path"`` (its path less the last step)."""
    from organizations.models import Organization

    path = OuterRef(f"{prefix}path")
    return Subquery(Organization.objects.filter(path=Substr(path, 1, Length(path) - Organization.steplen))
                    .order_by().values("name")[:1])


def parent_name_of(organization, known: str | None = None) -> str:
    if known:
        return known
    annotated = getattr(organization, "parent_name", None)
    if annotated is not None:
        return annotated
    if organization.depth <= 1:
        return ""
    from organizations.models import Organization

    parent = Organization.objects.get_parent(organization)
    organization.parent_name = parent.name if parent is not None else ""
    return organization.parent_name


def attach_parent_names(organizations) -> None:
    """Set ``parent_name`` on each of ``organizations`` (already fetched) from one query."""
    from organizations.models import Organization

    step = Organization.steplen
    pending = [o for o in organizations if o is not None and getattr(o, "parent_name", None) is None]
    paths = {o.path[:-step] for o in pending if o.depth > 1}
    names = dict(Organization.objects.filter(path__in=paths).values_list("path", "name")) if paths else {}
    for o in pending:
        o.parent_name = names.get(o.path[:-step], "")


def with_parent(organization, known: str | None = None) -> str:
    """"Chi bộ A1-1 · Đảng bộ Sở A1"; a top organization by its name alone."""
    if organization is None:
        return ""
    parent = parent_name_of(organization, known)
    return f"{organization.name}{SEPARATOR}{parent}" if parent else organization.name
