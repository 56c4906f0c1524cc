"""The resource kit's tests for the partner app's declared resources."""

from openctpat.partners import resources
from openctpat.testing.resources import ResourceTestCase


class TestPartners(ResourceTestCase):
    resource = resources.partners
    budget = 14


class TestContacts(ResourceTestCase):
    resource = resources.contacts
    budget = 10


class TestCertifications(ResourceTestCase):
    resource = resources.certifications
    budget = 10


class TestActions(ResourceTestCase):
    resource = resources.actions
    budget = 10


class TestTemplates(ResourceTestCase):
    resource = resources.templates
    budget = 10


class TestQuestions(ResourceTestCase):
    resource = resources.questions
    budget = 10
