"""Forms of the organization pages. Choice fields are narrowed to what the user may act on; the rules
themselves live in organizations.services, which every form calls."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.forms import date_input
from organizations import hooks
from organizations.choices import OrgKind, Role, Sector
from organizations.display import with_parent
from organizations.models import MassOrganization, Organization
from organizations.permissions import Perm
from organizations.scoping import restrict_form_fields


def _date_field(label, **kwargs):
    return forms.DateField(label=label, widget=date_input(), **kwargs)


def organization_label(obj, *, indented: bool = True) -> str:
    """How an organization reads in a picker: its name with the đảng bộ it sits under when the row carries
    it (``parent_name`` annotated: organizations.display) and its code (two cells may share a name), indented
    by depth when the list is in tree order, so a plain select reads like the tree (no JavaScript needed)."""
    name = with_parent(obj) if getattr(obj, "parent_name", None) is not None else obj.name
    label = f"{name} ({obj.code})" if obj.code else name
    return "\u2003" * max(obj.depth - 1, 0) + label if indented else label


INITIAL_OPTIONS = 15  # options a remote picker renders before the user types


class RemoteSelect(forms.Select):
    """A select that renders only the chosen value and the first ``INITIAL_OPTIONS`` choices; the rest are
    fetched as the user types (Tom Select, static/js/autocomplete.js) from a scoped JSON view
    (``url_name``, with ``data-action`` the permission the choices are narrowed by — ``restrict_form_fields``
    sets it). Without JavaScript the few options still work, and the form validates any value against the
    field's whole queryset, so the JSON view only proposes: it never widens what may be chosen."""

    remote = True

    def __init__(self, *args, url_name: str, kind: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.url_name, self.kind = url_name, kind

    def get_context(self, name, value, attrs):
        from django.urls import reverse

        context = super().get_context(name, value, attrs)
        widget_attrs = context["widget"]["attrs"]
        widget_attrs.setdefault("data-action", "view")
        widget_attrs["data-autocomplete-url"] = reverse(self.url_name)
        widget_attrs["data-no-results"] = gettext("No match")
        if self.kind:
            widget_attrs["data-kind"] = self.kind
        return context

    def optgroups(self, name, value, attrs=None):
        iterator = self.choices
        queryset = getattr(iterator, "queryset", None)
        if queryset is None:
            return super().optgroups(name, value, attrs)
        chosen = [v for v in value if v not in ("", None)]
        field = iterator.field
        rows = list(self.limit(queryset.filter(pk__in=[int(v) for v in chosen if str(v).isdigit()])))
        rows += [o for o in self.limit(queryset)[:INITIAL_OPTIONS] if o.pk not in {r.pk for r in rows}]
        choices = [("", field.empty_label)] if field.empty_label is not None else []
        choices += [iterator.choice(o) for o in rows]
        groups = []
        for index, (option_value, label) in enumerate(choices):
            selected = str(option_value) in {str(v) for v in value}
            groups.append((None, [self.create_option(name, option_value, label, selected, index, attrs=attrs)],
                           index))
        return groups

    def limit(self, queryset):
        return queryset


class OrganizationSelect(RemoteSelect):
    def __init__(self, *args, kind: str = "organization", **kwargs):
        super().__init__(*args, url_name="organizations:autocomplete", kind=kind, **kwargs)

    def limit(self, queryset):
        from organizations.display import parent_name

        return queryset.annotate(parent_name=parent_name())


class OrganizationChoiceField(forms.ModelChoiceField):
    """The organization picker of every form and filter: a remote, scoped autocomplete (``OrganizationSelect``)
    whose options name a cell with its đảng bộ. ``indented=False`` for lists not in tree order."""

    widget_kind = "organization"

    def __init__(self, *args, indented: bool = True, **kwargs):
        self.indented = indented
        kwargs.setdefault("widget", OrganizationSelect(kind=self.widget_kind))
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj):
        return organization_label(obj, indented=self.indented)


class CellChoiceField(OrganizationChoiceField):
    """A party cell picker: active cells by name (``restrict_form_fields`` narrows them)."""

    widget_kind = "cell"

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("queryset", Organization.objects.cells().active().order_by("name"))
        super().__init__(*args, indented=False, **kwargs)


class OrganizationMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return organization_label(obj, indented=False)


def active_organizations():
    """Every active organization in tree order: the choices a form starts from before
    ``restrict_form_fields`` narrows them to the user's scope."""
    return Organization.objects.active().order_by("path").only("id", "name", "code", "depth", "path", "kind")


class HostUnitFieldsMixin(forms.Form):
    host_unit_name = forms.CharField(label=_("Host unit"), max_length=255, required=False,
                                     help_text=_("The agency, unit, enterprise or commune the organization sits in."))
    host_unit_sector = forms.ChoiceField(label=_("Sector"), choices=[("", "—")] + list(Sector.choices), required=False)

    def clean(self):
        data = super().clean()
        if data.get("host_unit_name") and not data.get("host_unit_sector"):
            self.add_error("host_unit_sector", _("Choose the sector of the host unit."))
        return data


class OrganizationCreateForm(HostUnitFieldsMixin):
    parent = OrganizationChoiceField(label=_("Directly under"), queryset=active_organizations(), required=False)
    name = forms.CharField(label=_("Name"), max_length=255)
    kind = forms.ChoiceField(label=_("Kind"), choices=OrgKind.choices)
    short_name = forms.CharField(label=_("Short name"), max_length=100, required=False)
    code = forms.CharField(label=_("Code"), max_length=50, required=False)
    founded_on = _date_field(_("Founded on"))
    records_from = _date_field(_("Records kept from"), required=False, help_text=_(
        "The first day whose meetings, ratings, admissions and reports are recorded here (an organization "
        "entered long after its founding); empty: the founding date."))
    decision = forms.CharField(label=_("Decision"), max_length=100, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].required = not user.is_superuser
        restrict_form_fields(self, user, Perm.CHANGE_TREE)


class OrganizationEditForm(HostUnitFieldsMixin):
    short_name = forms.CharField(label=_("Short name"), max_length=100, required=False)
    code = forms.CharField(label=_("Code"), max_length=50, required=False)
    records_from = _date_field(_("Records kept from"), required=False, help_text=_(
        "Periods before this day have no records to judge: their targets show “insufficient data”. Empty: "
        "the founding date."))
    notes = forms.CharField(label=_("Notes"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


class ConfirmMixin(forms.Form):
    confirm = forms.BooleanField(label=_("I have checked the effects described above and confirm this operation."))


class RenameForm(ConfirmMixin):
    new_name = forms.CharField(label=_("New name"), max_length=255)
    date = _date_field(_("Effective date"))
    decision = forms.CharField(label=_("Decision"), max_length=100, required=False)
    field_order = ["new_name", "date", "decision", "confirm"]


class MoveForm(ConfirmMixin):
    new_parent = OrganizationChoiceField(label=_("Move under"), queryset=active_organizations())
    date = _date_field(_("Effective date"))
    decision = forms.CharField(label=_("Decision"), max_length=100, required=False)
    field_order = ["new_parent", "date", "decision", "confirm"]

    def __init__(self, *args, user, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_parent"].queryset = active_organizations().exclude(path__startswith=organization.path)
        restrict_form_fields(self, user, Perm.CHANGE_TREE)


class DissolveForm(ConfirmMixin):
    date = _date_field(_("Effective date"))
    decision = forms.CharField(label=_("Decision"), max_length=100, required=False)
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    field_order = ["date", "decision", "note", "confirm"]


class MergeForm(ConfirmMixin):
    sources = OrganizationMultipleChoiceField(
        label=_("Organizations merged into this one"), queryset=Organization.objects.none(),
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("Their sub-organizations move under this organization, their members transfer to it, and "
                    "they are dissolved."))
    date = _date_field(_("Effective date"))
    decision = forms.CharField(label=_("Decision"), max_length=100, required=False)
    field_order = ["sources", "date", "decision", "confirm"]

    def __init__(self, *args, user, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sources"].queryset = (
            active_organizations().filter(kind=organization.kind).exclude(pk=organization.pk)
            .exclude(path__startswith=organization.path).order_by("name"))
        restrict_form_fields(self, user, Perm.CHANGE_TREE)


class SplitForm(ConfirmMixin):
    parts = forms.CharField(
        label=_("New organizations"), widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One name per line, at least two. Number the lines 1, 2, 3 … and assign each member below."))
    date = _date_field(_("Effective date"))
    decision = forms.CharField(label=_("Decision"), max_length=100, required=False)

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.members = hooks.members().current_in(organization)
        for member in self.members:
            self.fields[f"member_{member.pk}"] = forms.TypedChoiceField(
                label=member.full_name, coerce=int, choices=[(i, str(i)) for i in range(1, 10)], initial=1)
        self.order_fields(["parts", "date", "decision"] + [f"member_{m.pk}" for m in self.members] + ["confirm"])

    def clean_parts(self):
        names = [line.strip() for line in self.cleaned_data["parts"].splitlines() if line.strip()]
        if len(names) < 2:
            raise forms.ValidationError(_("Enter at least two names, one per line."))
        if len(names) > 9:
            raise forms.ValidationError(_("At most nine new organizations at once."))
        return names

    def clean(self):
        data = super().clean()
        names = data.get("parts") or []
        for member in self.members:
            number = data.get(f"member_{member.pk}")
            if names and number and number > len(names):
                self.add_error(f"member_{member.pk}", _("There is no line %(n)d among the new organizations.")
                               % {"n": number})
        return data

    def assignment(self) -> dict[int, int]:
        return {m.pk: self.cleaned_data[f"member_{m.pk}"] - 1 for m in self.members}


class MassOrganizationForm(forms.ModelForm):
    class Meta:
        model = MassOrganization
        fields = ["name", "kind", "level", "active"]

    def _post_clean(self):
        pass  # organizations.services validates and saves (mass_organization_create / _update)


class RoleAssignmentForm(forms.Form):
    user = forms.ModelChoiceField(label=_("User"), queryset=get_user_model().objects.filter(is_active=True)
                                  .order_by("username"))
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    organization = OrganizationChoiceField(label=_("Over the organization"), queryset=active_organizations())

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        restrict_form_fields(self, user, Perm.MANAGE_ROLES)


class UserCreateForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150)
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    email = forms.EmailField(label=_("Email"), required=False)
    password = forms.CharField(label=_("Initial password"), widget=forms.PasswordInput, min_length=10)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    organization = OrganizationChoiceField(label=_("Over the organization"), queryset=active_organizations())

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        restrict_form_fields(self, user, Perm.MANAGE_ROLES)

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        if get_user_model().objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("This username is taken."))
        return username

    def clean_password(self):
        from django.contrib.auth.password_validation import validate_password

        validate_password(self.cleaned_data["password"])
        return self.cleaned_data["password"]


class CompositionForm(forms.Form):
    date = _date_field(_("On the date"), required=False)

    def day(self) -> dt.date:
        if self.is_valid() and self.cleaned_data.get("date"):
            return self.cleaned_data["date"]
        return dt.date.today()
