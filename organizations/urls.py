from django.urls import path

from organizations import views

app_name = "organizations"
urlpatterns = [
    path("", views.organization_list, name="organization_list"),
    path("autocomplete/", views.organization_autocomplete, name="autocomplete"),
    path("add/", views.organization_create, name="organization_create"),
    path("<int:pk>/", views.organization_detail, name="organization_detail"),
    path("<int:pk>/edit/", views.organization_edit, name="organization_edit"),
    path("<int:pk>/rename/", views.organization_rename, name="organization_rename"),
    path("<int:pk>/move/", views.organization_move, name="organization_move"),
    path("<int:pk>/dissolve/", views.organization_dissolve, name="organization_dissolve"),
    path("<int:pk>/merge/", views.organization_merge, name="organization_merge"),
    path("<int:pk>/split/", views.organization_split, name="organization_split"),
    path("<int:pk>/mass-organizations/add/", views.massorg_create, name="massorg_create"),
    path("mass-organizations/<int:pk>/edit/", views.massorg_edit, name="massorg_edit"),
    path("roles/", views.role_list, name="role_list"),
    path("roles/add/", views.role_create, name="role_create"),
    path("roles/<int:pk>/delete/", views.role_delete, name="role_delete"),
    path("users/add/", views.user_create, name="user_create"),
]
