"""What every list's search function does with its plain filters."""

from django.db.models import QuerySet


def narrowed(queryset: QuerySet, **lookups) -> QuerySet:
    """``queryset`` filtered by each lookup given a value: a filter left empty (None or "")
    keeps every row, so a search function passes its arguments straight through."""
    return queryset.filter(**{k: v for k, v in lookups.items() if v is not None and v != ""})
