"""Authenticated pages, JSON and downloads are never stored by a cache."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse
from django.test import RequestFactory

from openctpat.core.middleware import PrivateCacheMiddleware
from openctpat.core.permissions import Role

PRIVATE = "private, no-store"


@pytest.mark.django_db
def test_pages_api_and_downloads_of_a_member_are_private(org_a, login, api):
    client = login(org_a, Role.OWNER)
    for path in ("/", "/audit/", "/partners/", "/partners/export.csv", "/api/v1/audit"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert response["Cache-Control"] == PRIVATE, path
    token = api(org_a, Role.VIEWER)
    for path in ("/api/v1/partners", "/api/v1/partners/export.xlsx"):
        response = token.get(path)
        assert response.status_code == 200, path
        assert response["Cache-Control"] == PRIVATE, path
    refused = token.get("/api/v1/audit")  # a viewer's token: 403, still private
    assert refused.status_code == 403 and refused["Cache-Control"] == PRIVATE


@pytest.mark.django_db
def test_anonymous_responses_are_left_alone(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200 and "Cache-Control" not in response


def _through_middleware(user, cache_control=None, **headers):
    def view(request):
        response = HttpResponse("ok")
        if cache_control:
            response["Cache-Control"] = cache_control
        return response

    request = RequestFactory().get("/", headers=headers)
    request.user = user
    return PrivateCacheMiddleware(view)(request)


@pytest.mark.django_db
def test_a_stricter_header_is_kept_and_a_public_one_replaced(user):
    strict = "max-age=0, no-cache, no-store, must-revalidate, private"
    assert _through_middleware(user, strict)["Cache-Control"] == strict
    assert _through_middleware(user, "public, max-age=3600")["Cache-Control"] == PRIVATE
    anonymous = _through_middleware(AnonymousUser(), "public, max-age=3600")
    assert anonymous["Cache-Control"] == "public, max-age=3600"
    bearer = _through_middleware(AnonymousUser(), Authorization="Bearer nope")
    assert bearer["Cache-Control"] == PRIVATE
