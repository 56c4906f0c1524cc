"""Factories and base test classes shared by every app's tests."""

import itertools

from django.test import Client

from openctpat.accounts.middleware import SESSION_ORG_KEY
from openctpat.accounts.models import Membership, Organisation, User
from openctpat.accounts.services import create_api_token, create_organisation
from openctpat.core.permissions import Role

PASSWORD = "correct-horse-battery-staple-42"
_seq = itertools.count(1)


def make_user(email: str | None = None, password: str = PASSWORD, **extra) -> User:
    email = email or f"user{next(_seq)}@example.test"
    return User.objects.create_user(email, password, **extra)


def make_org(name: str | None = None, owner: User | None = None, **fields) -> Organisation:
    owner = owner or make_user()
    return create_organisation(name=name or f"Org {next(_seq)}", owner=owner, **fields)


def owner_of(org: Organisation) -> User:
    return Membership.objects.for_org(org).filter(role=Role.OWNER).first().user


def add_member(org: Organisation, role: str, user: User | None = None) -> Membership:
    user = user or make_user()
    return Membership.objects.create(organisation=org, user=user, role=role)


def token_for(org: Organisation, role: str, user: User | None = None) -> str:
    """A raw API token acting with ``role`` in ``org`` (a member of that role is made)."""
    if user is None:
        user = owner_of(org) if role == Role.OWNER else add_member(org, role).user
    _token, raw = create_api_token(org, user, name=f"test {role}", role=role)
    return raw


def signed_in(org: Organisation, role: str = Role.OWNER, user: User | None = None) -> Client:
    """A browser-like client signed in as a member with ``role``, working in ``org``."""
    if user is None:
        user = owner_of(org) if role == Role.OWNER else add_member(org, role).user
    client = Client()
    client.force_login(user)
    session = client.session
    session[SESSION_ORG_KEY] = org.pk
    session.save()
    client.user = user
    return client
