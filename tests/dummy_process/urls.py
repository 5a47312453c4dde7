from django.urls import path

from . import views

app_name = "dummy_process"
urlpatterns = [path("<int:page_id>/notes/new/", views.submit_note, name="submit_note")]
