"""urls_of: each app's URLs come from its own pages, in the order they are written."""

import types

from openctpat.core.routes import route, urls_of
from openctpat.partners import resources as partner_resources
from openctpat.risk import resources as risk_resources


def _views_module():
    module = types.ModuleType("example.views")

    @route("<int:pk>/sign-off/")
    def sign_off(request, pk): ...

    @route("", "list")
    def overview(request): ...

    def helper(): ...

    for view in (sign_off, overview, helper):
        view.__module__ = module.__name__
        setattr(module, view.__name__, view)
    imported = route("elsewhere/")(lambda request: None)  # defined in another module
    module.imported = imported
    return module


def test_views_with_a_route_in_the_order_written_named_after_the_view():
    patterns = urls_of("example", _views_module())
    assert [(str(p.pattern), p.name) for p in patterns] == [
        ("<int:pk>/sign-off/", "sign_off"),
        ("", "list"),
    ]


def test_only_the_apps_own_declarations():
    module = types.ModuleType("example.resources")
    module.partners = partner_resources.partners  # another app's declaration, imported
    module.matrix = risk_resources.matrix
    names = [p.name for p in urls_of("risk", module)]
    assert names == ["matrix"]
