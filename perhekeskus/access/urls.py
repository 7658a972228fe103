from django.urls import path

from . import views

app_name = "access"

urlpatterns = [
    path("families/<int:pk>/access-log/", views.family_access_report, name="family_access_report"),
    path("persons/<int:pk>/access-log/", views.person_access_report, name="person_access_report"),
    path("families/<int:pk>/consents/", views.consent_new, name="consent_new"),
    path("consents/<int:pk>/withdraw/", views.consent_withdraw, name="consent_withdraw"),
    path("emergency/", views.break_glass_search, name="break_glass"),
    path("emergency/<int:pk>/open/", views.break_glass_open, name="break_glass_open"),
    path("emergency/reviews/", views.break_glass_reviews, name="break_glass_reviews"),
    path("emergency/reviews/<int:pk>/", views.break_glass_review, name="break_glass_review"),
    path("disclosure-rules/", views.disclosure_rules, name="disclosure_rules"),
    path("disclosure-rules/<int:pk>/", views.disclosure_rules, name="disclosure_rule_edit"),
    path("api-tokens/", views.api_tokens, name="api_tokens"),
    path("api-tokens/<int:pk>/revoke/", views.api_token_revoke, name="api_token_revoke"),
]
