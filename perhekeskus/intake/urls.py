from django.urls import path

from . import views

app_name = "intake"

urlpatterns = [
    # public, no login
    path("help/", views.help_request, name="help_request"),
    path("help/sent/", views.help_sent, name="help_sent"),
    path("help/answer/", views.help_answer, name="help_answer"),
    path("help/reply/", views.help_reply, name="help_reply"),
    # staff
    path("intake/", views.inbox, name="inbox"),
    path("intake/contacts/new/", views.contact_new, name="contact_new"),
    path("intake/contacts/<int:pk>/", views.contact_detail, name="contact_detail"),
    path("intake/contacts/<int:pk>/claim/", views.contact_claim, name="contact_claim"),
    path("intake/contacts/<int:pk>/answer/", views.contact_answer, name="contact_answer"),
    path("intake/contacts/<int:pk>/close/", views.contact_close, name="contact_close"),
    path("intake/contacts/<int:pk>/forward/", views.contact_forward, name="contact_forward"),
    path("intake/contacts/<int:pk>/need/", views.contact_need, name="contact_need"),
    path("intake/notifications/", views.notification_list, name="notification_list"),
    path("intake/notifications/new/", views.notification_new, name="notification_new"),
    path("intake/notifications/<int:pk>/", views.notification_detail, name="notification_detail"),
    path("intake/notifications/<int:pk>/urgency/", views.notification_urgency, name="notification_urgency"),
    path("intake/notifications/<int:pk>/decision/", views.notification_decide, name="notification_decide"),
    path("intake/notifications/<int:pk>/assessment/", views.notification_assessment, name="notification_assessment"),
    path("intake/needs/", views.queue, name="queue"),
    path("intake/needs/<int:pk>/", views.need_detail, name="need_detail"),
    path("intake/needs/<int:pk>/allocate/", views.need_allocate, name="need_allocate"),
    path("intake/needs/<int:pk>/close/", views.need_close, name="need_close"),
    path("families/<int:pk>/needs/new/", views.need_new, name="need_new"),
    path("intake/deadlines/", views.deadlines, name="deadlines"),
]
