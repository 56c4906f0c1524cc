"""Inspections, seals and incidents: the domain rules every page, API call and import obeys.

One module per part; every public name of each is importable from here.
"""

from .checklists import *  # noqa: F403
from .incidents import *  # noqa: F403
from .inspections import *  # noqa: F403
from .org_settings import *  # noqa: F403
from .seals import *  # noqa: F403
