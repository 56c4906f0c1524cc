"""The resource kit's tests for the profile app's declared resources."""

from openctpat.profiles import resources
from openctpat.testing.resources import ResourceTestCase


class TestSites(ResourceTestCase):
    resource = resources.sites
    budget = 12
