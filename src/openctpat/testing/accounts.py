"""Factories for an organisation's members, invitations and API tokens."""

import itertools

from openctpat.accounts import services
from openctpat.core.permissions import Role

from . import add_member, owner_of

_seq = itertools.count(1)


def make_member(org, role=Role.CONTRIBUTOR, **fields):
    return add_member(org, role, **fields)


def make_invitation(org, role=Role.VIEWER, email=None):
    email = email or f"newcomer{next(_seq)}@example.test"
    invitation, _raw = services.invite_member(org, owner_of(org), email, role)
    return invitation


def make_token(org, role=Role.VIEWER, name=None):
    name = name or f"ERP sync {next(_seq)}"
    token, _raw = services.create_api_token(org, owner_of(org), name=name, role=role)
    return token
