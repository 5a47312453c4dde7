import pytest
from django.test import RequestFactory

from civitas.core.views import server_error


@pytest.mark.django_db
def test_server_error_page_needs_no_database(django_assert_num_queries):
    request = RequestFactory().get("/")
    with django_assert_num_queries(0):
        response = server_error(request)
    assert response.status_code == 500
    assert b"Something went wrong" in response.content
