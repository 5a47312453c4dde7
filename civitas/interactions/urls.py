from django.urls import path

from . import views

app_name = "interactions"
urlpatterns = [
    path("<str:label>/<int:pk>/support/", views.support, name="support"),
    path("<str:label>/<int:pk>/follow/", views.follow, name="follow"),
    path("<str:label>/<int:pk>/comments/", views.comment_create, name="comment"),
    path("<str:label>/<int:pk>/flag/", views.flag, name="flag"),
    path("comments/<int:pk>/", views.comment_link, name="comment_link"),
    path("comments/<int:pk>/reply/", views.comment_reply, name="comment_reply"),
    path("comments/<int:pk>/edit/", views.comment_edit, name="comment_edit"),
    path("comments/<int:pk>/delete/", views.comment_delete, name="comment_delete"),
]
