"""The resource kit's tests for inspections' declared resources."""

from openctpat.inspections import resources
from openctpat.testing.resources import ResourceTestCase


class TestChecklists(ResourceTestCase):
    resource = resources.checklists
    budget = 8


class TestChecklistPoints(ResourceTestCase):
    resource = resources.checklist_points


class TestInspections(ResourceTestCase):
    resource = resources.inspections
    budget = 9


class TestSealBatches(ResourceTestCase):
    resource = resources.seal_batches
    budget = 8


class TestSealAudits(ResourceTestCase):
    resource = resources.seal_audits
    budget = 6


class TestIncidents(ResourceTestCase):
    resource = resources.incidents
    budget = 10


class TestCorrectiveActions(ResourceTestCase):
    resource = resources.corrective_actions
