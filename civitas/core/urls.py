from django.urls import path

from . import search_views, theme

app_name = "core"
urlpatterns = [
    path("search/", search_views.search, name="search"),
    path("theme.css", theme.theme_stylesheet, name="theme"),
]
