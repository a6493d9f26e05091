from django import template

from organizations.display import with_parent

register = template.Library()


@register.filter
def org_with_parent(organization, parent_name=None):
    """``{{ cell|org_with_parent }}`` or, on a row annotated ``cell_parent_name``,
    ``{{ member.cell|org_with_parent:member.cell_parent_name }}`` (organizations.display)."""
    return with_parent(organization, parent_name or None)
