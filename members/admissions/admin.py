"""Admission stages and public holidays are reference data (a new regulation, a new calendar): the admin
holds them. Candidates are changed through the admission pages, whose services enforce the rules."""

from django.contrib import admin

from members.admissions.models import AdmissionStage, PublicHoliday


@admin.register(AdmissionStage)
class AdmissionStageAdmin(admin.ModelAdmin):
    list_display = [f.name for f in AdmissionStage._meta.fields if f.name not in ("id",)][:6]


@admin.register(PublicHoliday)
class PublicHolidayAdmin(admin.ModelAdmin):
    list_display = [f.name for f in PublicHoliday._meta.fields if f.name not in ("id",)][:4]
    date_hierarchy = "date"
