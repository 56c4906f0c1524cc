"""Factories for sites, security profiles, answers, evidence and reviews."""

import datetime
import itertools

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from openctpat.accounts.services import update_organisation
from openctpat.catalog.models import CriteriaSet
from openctpat.profiles import services
from openctpat.profiles.models import Answer, SiteType

from . import owner_of

_seq = itertools.count(1)


def importer_set() -> CriteriaSet:
    return CriteriaSet.objects.get(msc_version="2019", entity_type="importer")


def holding_importer(org):
    if "importer" not in (org.entity_types or []):
        update_organisation(org, owner_of(org), entity_types=[*org.entity_types, "importer"])
    return org


def make_site(org, **fields):
    n = next(_seq)
    values = {"name": f"Site {n}", "country": "US", "site_type": SiteType.WAREHOUSE, **fields}
    return services.create_site(org, owner_of(org), **values)


def make_profile(org, site=None, per_site=True, **fields):
    """An importer profile; by default for a new site, so that several can be made."""
    holding_importer(org)
    if site is None and per_site:
        site = make_site(org)
    return services.create_profile(org, owner_of(org), entity_type="importer", site=site, **fields)


def make_answer(org, profile=None):
    profile = profile or make_profile(org)
    return profile.answers.select_related("criterion").first()


def make_active_answer(org, profile=None):
    """One more answer in force: the first is on a new profile whose other answers are
    retired, so that the resource kit can grow a profile's list one answer at a time."""
    if profile is None:
        profile = make_profile(org)
        profile.answers.update(retired=True)
    answers = profile.answers.select_related("criterion")
    answer = answers.filter(retired=True).first() or answers.first()  # else any answer
    Answer.objects.filter(pk=answer.pk).update(retired=False)
    answer.retired = False
    return answer


def text_file(content: str | bytes = None, name: str = "policy.txt") -> SimpleUploadedFile:
    if content is None:
        content = f"Security policy {next(_seq)}\n"
    data = content.encode() if isinstance(content, str) else content
    return SimpleUploadedFile(name, data, content_type="text/plain")


def make_document(org, content=None, name="policy.txt", **fields):
    return services.upload_evidence(org, owner_of(org), text_file(content, name), **fields)


def make_review(org, profile=None):
    profile = profile or make_profile(org)
    today = timezone.localdate()
    services.update_profile(
        org, owner_of(org), profile, anniversary_date=today + datetime.timedelta(days=30)
    )
    return services.start_review(org, owner_of(org), profile)
