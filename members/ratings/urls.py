from django.urls import path

from members.ratings import views

app_name = "ratings"
urlpatterns = [
    path("", views.index, name="index"),
    path("members/<int:org_pk>/<int:year>/", views.member_grid_view, name="member_grid"),
    path("members/<int:org_pk>/<int:year>/template.xlsx", views.member_grid_template, name="member_grid_template"),
    path("members/<int:org_pk>/<int:year>/upload/", views.member_grid_upload, name="member_grid_upload"),
    path("members/<int:org_pk>/<int:year>/export.xlsx", views.decided_export, name="decided_export"),
    path("members/not-rated/<int:member_pk>/<int:year>/", views.member_not_rated_view, name="member_not_rated"),
    path("recognitions/", views.recognition_list, name="recognition_list"),
    path("recognitions/add/", views.recognition_create, name="recognition_create"),
    path("recognitions/<int:pk>/edit/", views.recognition_edit, name="recognition_edit"),
    path("organizations/<int:committee_pk>/<slug:kind>/<int:year>/", views.organization_grid_view,
         name="organization_grid"),
]
