from django.urls import path

from members.register import views

app_name = "members"
urlpatterns = [
    path("", views.member_list, name="member_list"),
    path("add/", views.member_create_view, name="member_create"),
    path("autocomplete/", views.member_autocomplete, name="member_autocomplete"),
    path("export.xlsx", views.member_export, name="member_export"),
    path("transfer/", views.member_transfer_selected, name="member_transfer_selected"),
    path("import/", views.member_import, name="member_import"),
    path("import/template.xlsx", views.member_import_template, name="member_import_template"),
    path("sensitive-log/", views.sensitive_log, name="sensitive_log"),
    path("<int:pk>/", views.member_detail, name="member_detail"),
    path("<int:pk>/edit/", views.member_edit, name="member_edit"),
    path("<int:pk>/transfer/", views.member_transfer_view, name="member_transfer"),
    path("<int:pk>/leave/", views.member_leave_view, name="member_leave"),
    path("<int:pk>/status/add/", views.status_period_create, name="status_period_create"),
    path("status/", views.status_period_list, name="status_period_list"),
    path("status/<int:pk>/edit/", views.status_period_edit, name="status_period_edit"),
]

# Pages about an organization computed from the register, served under /organizations/ and its namespace.
organization_patterns = [
    path("<int:pk>/composition/", views.organization_composition, name="organization_composition"),
]
