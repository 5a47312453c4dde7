from django.urls import path

from . import search_views, theme, views

app_name = "core"
urlpatterns = [
    path("search/", search_views.search, name="search"),
    path("theme.css", theme.theme_stylesheet, name="theme"),
    path("open-data/", views.open_data, name="open_data"),
]
