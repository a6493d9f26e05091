"""Rating schemes and their levels are reference data that change with a new regulation: the admin holds
them. Ratings themselves are changed through the grids, whose services enforce the party's rules."""

from django.contrib import admin

from members.ratings.models import RatingLevel, RatingScheme


class RatingLevelInline(admin.TabularInline):
    model = RatingLevel
    extra = 1


@admin.register(RatingScheme)
class RatingSchemeAdmin(admin.ModelAdmin):
    list_display = ("name", "subject", "valid_from_year", "valid_to_year", "has_score", "cap_percent",
                    "sick_leave_days")
    list_filter = ("subject",)
    inlines = [RatingLevelInline]
