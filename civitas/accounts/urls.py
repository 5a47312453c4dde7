from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("", views.profile, name="profile"),
    path("terms/", views.terms, name="terms"),
    path("privacy/", views.privacy, name="privacy"),
    path("privacy/download/", views.data_export, name="data_export"),
    path("delete/", views.account_delete_view, name="delete"),
]
