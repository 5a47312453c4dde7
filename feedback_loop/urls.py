"""Staff inboxes and case pages, and the public accountability pages of the feedback loop."""

from django.urls import path

from . import views

app_name = "feedback_loop"

urlpatterns = [
    path("", views.landing, name="landing"),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/bulk/", views.bulk, name="bulk"),
    path("inbox/rows/<int:pk>/", views.inbox_row, name="inbox_row"),
    path("inbox/cases.csv", views.export_csv, name="export"),
    path("approvals/", views.approvals, name="approvals"),
    path("departments/<slug:slug>/", views.department_inbox, name="department"),
    path("departments/<slug:slug>/rows/<int:pk>/", views.inbox_row, name="department_row"),
    path("cases/<int:pk>/", views.case_detail, name="case"),
    path("cases/<int:pk>/<slug:action>/", views.case_action, name="case_action"),
    path("attachments/<int:pk>/", views.attachment, name="attachment"),
    path("tokens/", views.tokens, name="tokens"),
    path("tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
    path("receipt/", views.receipt_lookup, name="receipt"),
    path("processes/<int:page_id>/", views.how_used, name="how_used"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard.csv", views.dashboard_csv, name="dashboard_csv"),
]
