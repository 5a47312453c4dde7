"""Routes of the ideas app outside its pages (those are routes of IdeaChallengePage)."""

from django.urls import path

from .suggestions import similar_ideas_view

app_name = "ideas"
urlpatterns = [
    path("similar/", similar_ideas_view, name="similar"),
]
