"""The ballot's own addresses, served without the site lookup and page routing of the round page
(the busiest requests of a round); every other page of a round is under the round page's URL."""

from django.urls import path

from . import views

app_name = "budgeting"

urlpatterns = [
    path("<int:round_id>/vote/", views.ballot_post, name="ballot"),
    path("<int:round_id>/vote/done/", views.ballot_receipt, name="ballot_done"),
]
