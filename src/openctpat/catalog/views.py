from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render

from openctpat.core.ctpat import EntityType
from openctpat.core.errors import DomainError
from openctpat.core.permissions import Perm, org_view
from openctpat.core.routes import route

from . import services
from .forms import CatalogFilterForm, ChangesForm
from .models import Criterion


def _default_entity_type(request) -> str:
    held = request.org.entity_types or []
    return held[0] if held else EntityType.IMPORTER


@route("")
@org_view(Perm.VIEW)
def browse(request):
    data = request.GET.copy()
    data.setdefault("entity_type", _default_entity_type(request))
    form = CatalogFilterForm(data)
    criteria_set, page = None, None
    if form.is_valid():
        f = form.cleaned_data
        if f["msc_version"]:
            criteria_set = (
                services.criteria_sets()
                .filter(entity_type=f["entity_type"], msc_version=f["msc_version"])
                .first()
            )
        else:
            criteria_set = services.latest_criteria_set(f["entity_type"])
        if criteria_set:
            criteria = services.search_criteria(
                criteria_set, category=f["category"], requirement=f["requirement"], q=f["q"]
            )
            page = Paginator(criteria, 50).get_page(request.GET.get("page"))
    query = data.copy()
    query.pop("page", None)
    context = {"form": form, "criteria_set": criteria_set, "page": page, "query": query.urlencode()}
    template = "catalog/_criteria_table.html" if request.htmx else "catalog/browse.html"
    return render(request, template, context)


@route("criteria/<int:pk>/", "criterion")
@org_view(Perm.VIEW)
def criterion_detail(request, pk):
    criterion = get_object_or_404(Criterion.objects.select_related("criteria_set"), pk=pk)
    return render(request, "catalog/criterion.html", {"criterion": criterion})


@route("changes/")
@org_view(Perm.VIEW)
def changes(request):
    form = ChangesForm(request.GET or None)
    result, error = None, None
    if form.is_valid():
        f = form.cleaned_data
        try:
            result = services.compare(
                services.get_criteria_set(f["from_version"], f["entity_type"]),
                services.get_criteria_set(f["to_version"], f["entity_type"]),
            )
        except DomainError as exc:
            error = exc.message
    return render(request, "catalog/changes.html", {"form": form, "result": result, "error": error})
