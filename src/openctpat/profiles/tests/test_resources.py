"""The resource kit's tests for the profile app's declared resources."""

from openctpat.profiles import resources
from openctpat.testing.resources import ResourceTestCase


class TestSites(ResourceTestCase):
    resource = resources.sites
    budget = 12


class TestProfiles(ResourceTestCase):
    resource = resources.profiles
    budget = 12


class TestAnswers(ResourceTestCase):
    resource = resources.answers
    budget = 8


class TestDocuments(ResourceTestCase):
    resource = resources.documents
    budget = 10


class TestReviews(ResourceTestCase):
    resource = resources.reviews
