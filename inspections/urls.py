from django.urls import path

from inspections import views

app_name = "inspections"
urlpatterns = [
    path("", views.inspection_list, name="inspection_list"),
    path("add/", views.inspection_create_view, name="inspection_create"),
    path("<int:pk>/", views.inspection_detail, name="inspection_detail"),
    path("<int:pk>/edit/", views.inspection_edit, name="inspection_edit"),
    path("disciplines/", views.discipline_list, name="discipline_list"),
    path("disciplines/add/", views.discipline_create_view, name="discipline_create"),
    path("disciplines/<int:pk>/", views.discipline_detail, name="discipline_detail"),
    path("coverage/", views.coverage, name="coverage"),
]
