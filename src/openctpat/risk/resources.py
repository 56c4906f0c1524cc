"""The risk app's declared pages and operations (its workflows are in views and api)."""

from openctpat.core.orgsettings import SettingsPages
from openctpat.core.resources import Page

from . import services
from .forms import MatrixForm
from .schemas import MatrixOut, MatrixPatch

matrix = SettingsPages(
    settings=services.MATRIX,
    out=MatrixOut,
    patch_in=MatrixPatch,
    api_path="/matrix",
    page=Page("matrix/", "risk:matrix", "risk/matrix.html"),
    form=MatrixForm,
    saved_message="Risk matrix saved.",
    extra_context=lambda request, current: {"matrix": services.matrix_for(request.org)},
    names={"get": "get_matrix", "update": "update_matrix"},
    example={"high_from": 7},
)
