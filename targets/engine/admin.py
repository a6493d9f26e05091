"""A resolution's baseline figures in the admin, for administrators correcting what a document states: each
row is checked by the same rules as the resolution's page (``services.check_baselines``). Resolutions and
targets themselves are changed through their pages, whose services decide the recompute a change calls for."""

from django.contrib import admin
from django.core.exceptions import ValidationError

from targets.engine.models import ResolutionBaseline
from targets.engine.services import check_baselines


class ResolutionBaselineAdminForm(admin.ModelAdmin.form):
    def clean(self):
        data = super().clean()
        try:
            check_baselines([data])
        except ValidationError as exc:
            raise ValidationError(exc.message_dict["baselines"]) from exc
        return data


@admin.register(ResolutionBaseline)
class ResolutionBaselineAdmin(admin.ModelAdmin):
    form = ResolutionBaselineAdminForm
    list_display = ("resolution", "as_of", "key", "label", "value", "note")
    list_filter = ("key",)
    search_fields = ("resolution__code", "resolution__number", "label")
    raw_id_fields = ("resolution",)
