"""The resource kit's tests for the screening app's declared resources."""

from openctpat.screening import resources
from openctpat.testing.resources import ResourceTestCase


class TestAlerts(ResourceTestCase):
    resource = resources.alerts
    budget = 9


class TestListVersions(ResourceTestCase):
    resource = resources.list_versions
    budget = 4


class TestRuns(ResourceTestCase):
    resource = resources.runs
    budget = 4


class TestPartnerScreenings(ResourceTestCase):
    resource = resources.partner_screenings
    budget = 6
