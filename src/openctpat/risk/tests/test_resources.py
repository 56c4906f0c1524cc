"""The resource kit's tests for the risk app's declared resources."""

from openctpat.risk import resources
from openctpat.testing.resources import ResourceTestCase


class TestAssessments(ResourceTestCase):
    resource = resources.assessments
    budget = 8


class TestLanes(ResourceTestCase):
    resource = resources.lanes
    budget = 6


class TestNodes(ResourceTestCase):
    resource = resources.nodes
    budget = 6


class TestActions(ResourceTestCase):
    resource = resources.actions
    budget = 6
