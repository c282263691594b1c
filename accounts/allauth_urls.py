"""Routes that extend allauth's password reset by code. Included under
``accounts/`` just before ``allauth.urls``, so the same names and paths
resolve to the portal's subclasses of allauth's views."""

from django.urls import path

from . import views

urlpatterns = [
    path("password/reset/confirm/", views.ConfirmResetCodeView.as_view(), name="account_confirm_password_reset_code"),
    path("password/reset/resend/", views.resend_password_reset_code, name="account_resend_password_reset_code"),
    path("password/reset/complete/", views.CompleteResetView.as_view(), name="account_complete_password_reset"),
    path("password/reset/done/", views.ResetCompletedView.as_view(), name="account_password_reset_completed"),
]
