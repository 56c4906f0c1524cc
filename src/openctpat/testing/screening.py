"""Factories for list versions, screenings and alerts, with a small made-up list."""

import hashlib
import itertools

from openctpat.screening import services
from openctpat.screening.entries import ListEntry, ListName, ParsedList
from openctpat.screening.models import RescreenRun, RescreenShare

from .partners import make_partner

_seq = itertools.count(1)


def entry(entry_id: str, name: str, *aliases: str, entry_type="entity", countries=("IR",)):
    names = [ListName(name), *[ListName(a, "aka") for a in aliases]]
    return ListEntry(
        list="sdn",
        entry_id=entry_id,
        entry_type=entry_type,
        names=names,
        programs=["SDGT"],
        countries=list(countries),
    )


SAMPLE = [
    entry("1001", "GOLDEN CRESCENT SHIPPING COMPANY", "GOLDEN CRESCENT MARINE"),
    entry("1002", "HASSAN, Ali Mohammed", entry_type="individual", countries=("SY",)),
    entry("1003", "NOVOTECH INDUSTRIAL SUPPLY LLC", countries=("RU",)),
]


def make_version(entries=None, source="sdn", rescreen=False):
    entries = list(entries or SAMPLE)
    digest = hashlib.sha256(f"{next(_seq)}{[e.names for e in entries]}".encode()).hexdigest()
    parsed = ParsedList(
        source=source,
        format="test",
        entries=entries,
        file_sha256=digest,
        counts={"entries": len(entries)},
    )
    version = services.store_parsed(parsed, file_names=["test-list"])
    if rescreen:
        services.start_rescreen(version)
    return version


def make_alert(org):
    if not services.active_versions().exists():
        make_version()
    partner = make_partner(org, legal_name="Golden Crescent Shipping Co.", country="IR")
    return partner.alerts.first()


def make_list_version(org=None):
    """A list version: shared, so ``org`` changes nothing."""
    return make_version()


def make_run(org):
    """A finished rescreen run over ``org``'s one partner (its share of the run)."""
    run = RescreenRun.objects.create(version=make_version(), total=1, done=1)
    RescreenShare.objects.create(run=run, organisation=org, total=1, done=1)
    return run


def make_screening(org, partner=None):
    if not services.active_versions().exists():
        make_version()
    partner = partner or make_partner(org, legal_name="Maple Leaf Brokers", country="CA")
    return services.screen_partner(org, partner, reason="manual")
