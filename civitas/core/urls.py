from django.urls import path

from . import search_views

app_name = "core"
urlpatterns = [
    path("search/", search_views.search, name="search"),
]
