from django.urls import path

from meetings import views

app_name = "meetings"
urlpatterns = [
    path("", views.meeting_list, name="meeting_list"),
    path("log/", views.meeting_create_view, name="meeting_create"),
    path("overview/", views.overview, name="overview"),
    path("<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("<int:pk>/edit/", views.meeting_edit, name="meeting_edit"),
    path("<int:pk>/delete/", views.meeting_delete_view, name="meeting_delete"),
    path("rubrics/", views.rubric_list, name="rubric_list"),
    path("rubrics/add/", views.rubric_create_view, name="rubric_create"),
    path("rubrics/<int:pk>/", views.rubric_detail, name="rubric_detail"),
]
