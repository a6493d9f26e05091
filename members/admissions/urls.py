from django.urls import path

from members.admissions import views

app_name = "admissions"
urlpatterns = [
    path("", views.candidate_list, name="candidate_list"),
    path("add/", views.candidate_create_view, name="candidate_create"),
    path("board/", views.board, name="board"),
    path("probation/", views.probation_list, name="probation_list"),
    path("<int:pk>/", views.candidate_detail, name="candidate_detail"),
    path("<int:pk>/edit/", views.candidate_edit, name="candidate_edit"),
    path("<int:pk>/stage/", views.stage_record_view, name="stage_record"),
    path("<int:pk>/sponsor/", views.sponsor_add_view, name="sponsor_add"),
    path("<int:pk>/admit/", views.candidate_admit_view, name="candidate_admit"),
    path("<int:pk>/probation/", views.probation_decide_view, name="probation_decide"),
]
