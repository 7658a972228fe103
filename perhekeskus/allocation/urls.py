from django.urls import path

from . import views

app_name = "allocation"

urlpatterns = [
    path("intake/needs/<int:pk>/candidates/", views.need_candidates, name="need_candidates"),
    path("allocation/proposals/", views.proposals, name="proposals"),
    path("allocation/proposals/<int:pk>/", views.proposal, name="proposal"),
    path("allocation/proposals/<int:pk>/again/", views.proposal_again, name="proposal_again"),
    path("allocation/proposals/<int:pk>/accept/", views.proposal_accept, name="proposal_accept"),
    path("allocation/proposal-rows/<int:pk>/", views.proposal_row, name="proposal_row"),
    path("allocation/absences/", views.absences, name="absences"),
    path("allocation/absences/<int:pk>/", views.absence, name="absence"),
    path("allocation/absences/<int:pk>/withdraw/", views.absence_withdraw, name="absence_withdraw"),
    path("allocation/routes/<int:pk>/", views.route, name="route"),
]
