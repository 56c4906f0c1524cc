"""The business-partner program: registry, certifications, imports, questionnaires, tiers.

One module per part of the program; every public name of each is importable from here.
"""

from .actions import *  # noqa: F403
from .contacts import *  # noqa: F403
from .imports import *  # noqa: F403
from .questionnaires import *  # noqa: F403
from .registry import *  # noqa: F403
from .review import *  # noqa: F403
from .templates import *  # noqa: F403
from .tiers import *  # noqa: F403
