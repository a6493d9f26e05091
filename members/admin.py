"""The admin holds only reference data that changes with a new regulation or a new calendar (rating
schemes and their levels, admission stages, public holidays). Records of members, ratings and admissions
are changed through the application's pages, whose services enforce the party's rules."""

from django.contrib import admin

from members.admission_models import AdmissionStage, PublicHoliday
from members.rating_models import RatingLevel, RatingScheme


class RatingLevelInline(admin.TabularInline):
    model = RatingLevel
    extra = 1


@admin.register(RatingScheme)
class RatingSchemeAdmin(admin.ModelAdmin):
    list_display = ("name", "subject", "valid_from_year", "valid_to_year", "has_score", "cap_percent")
    list_filter = ("subject",)
    inlines = [RatingLevelInline]


@admin.register(AdmissionStage)
class AdmissionStageAdmin(admin.ModelAdmin):
    list_display = [f.name for f in AdmissionStage._meta.fields if f.name not in ("id",)][:6]


@admin.register(PublicHoliday)
class PublicHolidayAdmin(admin.ModelAdmin):
    list_display = [f.name for f in PublicHoliday._meta.fields if f.name not in ("id",)][:4]
    date_hierarchy = "date"
