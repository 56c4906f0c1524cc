"""A refused or missing page keeps the app's layout: the user still has the navigation."""

from django.urls import reverse

from openctpat.core.permissions import Role


def test_a_refusal_keeps_the_layout_and_says_why(org_a, login):
    response = login(org_a, Role.VIEWER).get(reverse("core:audit_list"))
    assert response.status_code == 403
    html = response.content.decode()
    assert "Not allowed" in html and 'aria-label="Main"' in html
    assert reverse("partners:list") in html and "Sign out" in html


def test_a_missing_page_keeps_the_layout(org_a, login):
    response = login(org_a, Role.OWNER).get("/partners/999999/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Not found" in html and reverse("partners:list") in html
