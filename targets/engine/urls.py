from django.urls import path

from targets.engine import views

app_name = "targets"
urlpatterns = [
    path("", views.resolution_list, name="resolution_list"),
    path("resolutions/<int:pk>/", views.resolution_detail, name="resolution_detail"),
    path("resolutions/new/", views.resolution_create, name="resolution_create"),
    path("resolutions/<int:pk>/edit/", views.resolution_edit, name="resolution_edit"),
    path("resolutions/<int:pk>/copy/", views.resolution_copy, name="resolution_copy"),
    path("resolutions/<int:pk>/targets/new/", views.target_create, name="target_create"),
    path("<int:pk>/move/", views.target_move, name="target_move"),
    path("<int:pk>/edit/", views.target_edit, name="target_edit"),
    path("recompute/", views.recompute, name="recompute"),
    path("runs/<int:pk>/", views.run_detail, name="run_detail"),
    path("runs/<int:pk>/progress/", views.run_progress, name="run_progress"),
]
