import pytest

from openctpat.testing import owner_of


@pytest.fixture
def owner(org_a):
    """The owner of organisation A: who acts in most service tests."""
    return owner_of(org_a)
