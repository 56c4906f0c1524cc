"""The resource kit's tests for the accounts app's declared resources (API writes signed in)."""

from openctpat.accounts import resources
from openctpat.testing.resources import ResourceTestCase


class TestMembers(ResourceTestCase):
    resource = resources.members
    budget = 8


class TestInvitations(ResourceTestCase):
    resource = resources.invitations
    budget = 7


class TestTokens(ResourceTestCase):
    resource = resources.tokens
    budget = 8
