from django import template

from organizations.display import attach_parent_names, with_parent

register = template.Library()


@register.filter
def org_with_parent(organization, parent_name=None):
    """``{{ cell|org_with_parent }}`` or, on a row annotated ``cell_parent_name``,
    ``{{ member.cell|org_with_parent:member.cell_parent_name }}`` (organizations.display)."""
    return with_parent(organization, parent_name or None)


@register.filter
def with_cell_parents(rows):
    """``{% for c in candidates|with_cell_parents %}``: rows hanging on a cell, their cells' đảng bộ read in
    one query for the whole list (organizations.display.attach_parent_names), for ``org_with_parent``."""
    rows = list(rows)
    attach_parent_names([getattr(row, "cell", None) for row in rows])
    return rows
