"""Websocket routes of the feedback loop, collected by config/routing.py."""

from django.urls import path

from .consumers import InboxConsumer

websocket_urlpatterns = [
    path("ws/feedback/inbox/", InboxConsumer.as_asgi(), name="feedback-inbox-live"),
]
