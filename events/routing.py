"""Websocket routes of events, collected by config/routing.py."""

from django.urls import path

from .consumers import BoardConsumer

websocket_urlpatterns = [
    path("ws/events/<int:event_id>/board/", BoardConsumer.as_asgi(), name="events-board"),
]
