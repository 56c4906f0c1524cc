"""Screening's logic: storing list versions, screening partners and names, alerts and their
dispositions, and rescreening everyone when a list changes."""

import hashlib
import threading
from pathlib import Path

from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Case, Count, Exists, F, OuterRef, Subquery, Value, When
from django.utils import timezone
from django_tasks import task

from openctpat.core import audit, concurrency
from openctpat.core.audit import Action as AuditAction
from openctpat.core.errors import Conflict, PermissionDenied, invalid
from openctpat.core.orgsettings import OrgSettings
from openctpat.core.permissions import Perm, has_perm
from openctpat.core.reminders import owner_emails

from .entries import ListEntry, ListFileError, ListName, ParsedList
from .models import (
    Alert,
    AlertStatus,
    ListRecord,
    ListVersion,
    Outcome,
    RescreenRun,
    RescreenShare,
    Screening,
    ScreeningSettings,
    Suppression,
)

OPEN_STATES = (AlertStatus.OPEN, AlertStatus.PENDING_CONFIRMATION)
SETTINGS_FIELDS = ("threshold", "four_eyes")


def _fingerprint(names) -> str:
    text = "\n".join(sorted(f"{n['name']}|{n['kind']}|{n['strong']}" for n in names))
    return hashlib.sha256(text.encode()).hexdigest()


# -- list versions ---------------------------------------------------------------------------
def _name_dicts(entry: ListEntry) -> list[dict]:
    return [{"name": n.name, "kind": n.kind, "strong": n.strong} for n in entry.names]


@transaction.atomic
def store_parsed(parsed: ParsedList, actor=None, file_names=()) -> ListVersion:
    """Save a parsed list as a new version and make it the active one for its source."""
    same = ListVersion.objects.filter(source=parsed.source, file_sha256=parsed.file_sha256)
    if parsed.file_sha256 and same.filter(active=True).exists():
        raise Conflict(f"This {parsed.source.upper()} file is already the active version.")
    version = ListVersion.objects.create(
        source=parsed.source,
        format=parsed.format,
        file_sha256=parsed.file_sha256,
        file_names=[str(f) for f in file_names],
        publish_date=parsed.publish_date or None,
        loaded_by=actor,
        entry_count=len(parsed.entries),
        counts=parsed.counts,
        warnings=parsed.warnings[:200],
    )
    records = []
    for e in parsed.entries:
        names = _name_dicts(e)
        records.append(
            ListRecord(
                version=version,
                list_name=e.list,
                entry_id=e.entry_id[:64],
                entry_type=e.entry_type,
                primary_name=e.primary_name[:500],
                names=names,
                programs=e.programs,
                source=e.source[:300],
                addresses=e.addresses,
                countries=e.countries,
                dates_of_birth=e.dates_of_birth,
                nationalities=e.nationalities,
                identifiers=e.identifiers,
                remarks=e.remarks,
                fingerprint=_fingerprint(names),
            )
        )
    ListRecord.objects.bulk_create(records, batch_size=2000)
    ListVersion.objects.filter(source=parsed.source, active=True).update(active=False)
    version.active = True
    version.save(update_fields=["active"])
    audit.record(
        AuditAction.CREATE,
        actor=actor,
        target=version,
        changes={
            "source": parsed.source,
            "entries": version.entry_count,
            "sha256": parsed.file_sha256,
            "publish_date": str(parsed.publish_date or ""),
        },
    )
    return version


def load_list_files(paths, actor=None, *, rescreen: bool = True) -> ListVersion:
    """Parse list files (format from content) and store them; then rescreen every partner."""
    files = []
    for p in paths:
        try:
            files.append((Path(p).name, Path(p).read_bytes()))
        except OSError as exc:
            raise invalid("file", f"{p}: {exc.strerror}") from exc
    return load_list_bytes(files, actor, rescreen=rescreen)


def load_list_bytes(files, actor=None, *, rescreen: bool = True) -> ListVersion:
    """``files``: (name, bytes) pairs making up one list; messages name the files."""
    from . import lists

    try:
        parsed = lists.load_files(files)
    except ListFileError as exc:
        raise invalid("file", str(exc)) from exc
    version = store_parsed(parsed, actor, [name for name, _data in files])
    if rescreen:
        transaction.on_commit(lambda: start_rescreen(version))
    return version


MAX_LIST_UPLOAD = 200 * 1024 * 1024


def can_load_lists(user, role) -> bool:
    """Lists are shared by every organisation: loading one takes a staff user acting with a
    role that changes data (a staff member's viewer or auditor token reads only)."""
    return bool(user.is_staff) and has_perm(role, Perm.CHANGE)


def load_uploaded(files, actor=None) -> ListVersion:
    """List files uploaded through the page or the API."""
    if not files:
        raise invalid("files", "Choose the list file(s) to load.")
    if sum(f.size for f in files) > MAX_LIST_UPLOAD:
        raise invalid("files", "The files are larger than 200 MB together.")
    return load_list_bytes([(f.name or "upload", f.read()) for f in files], actor)


def search_versions(org=None, active=None):
    """The list versions (shared: ``org`` changes nothing), or only the active or the
    superseded ones."""
    versions = ListVersion.objects.all()
    return versions.filter(active=active) if active is not None else versions


def active_versions():
    return ListVersion.objects.filter(active=True).order_by("source")


# -- the matcher index, built once per set of active versions --------------------------------
_index_lock = threading.Lock()
_index_cache: dict = {}


def _entry(record: dict) -> ListEntry:
    return ListEntry(
        list=record["list_name"],
        entry_id=record["entry_id"],
        entry_type=record["entry_type"],
        names=[ListName(n["name"], n["kind"], n["strong"]) for n in record["names"]],
        programs=record["programs"],
        countries=record["countries"],
        dates_of_birth=record["dates_of_birth"],
    )


def current_index():
    """(index, versions, records by (list, entry_id)) for the active versions, or None."""
    versions = list(active_versions())
    if not versions:
        return None
    from . import matcher

    # The hash too: an id alone can come back with other content (a rolled-back test).
    key = tuple((v.pk, v.file_sha256, v.loaded_at) for v in versions)
    with _index_lock:
        if key not in _index_cache:
            rows = list(
                ListRecord.objects.filter(version__in=versions).values(
                    "pk",
                    "list_name",
                    "entry_id",
                    "entry_type",
                    "names",
                    "programs",
                    "countries",
                    "dates_of_birth",
                    "fingerprint",
                )
            )
            index = matcher.Index(_entry(r) for r in rows)
            by_key = {(r["list_name"], r["entry_id"]): r for r in rows}
            _index_cache.clear()
            _index_cache[key] = (index, versions, by_key)
        return _index_cache[key]


def threshold_for(org) -> float:
    from . import matcher

    return settings_for(org).threshold or matcher.DEFAULT_THRESHOLD


def _check_settings(values: dict) -> None:
    if not (values["threshold"] == 0 or 0.3 <= values["threshold"] < 1):
        raise invalid("threshold", "Between 0.30 and 0.99, or 0 for the measured default.")


SETTINGS = OrgSettings(ScreeningSettings, SETTINGS_FIELDS, check=_check_settings)
settings_for = SETTINGS.for_org
update_settings = SETTINGS.update


def _match_dict(m) -> dict:
    return {
        "list": m.list,
        "entry_id": m.entry_id,
        "entry_type": m.entry_type,
        "name": m.name,
        "score": round(m.score, 4),
        "explanation": m.explanation,
    }


def _hits(index, names, country, threshold, top=5) -> list[dict]:
    best: dict[tuple, dict] = {}
    for name in names:
        for m in index.screen(name, country=country or None, threshold=threshold, top=top):
            key = (m.list, m.entry_id)
            if key not in best or m.score > best[key]["score"]:
                best[key] = {**_match_dict(m), "query": name}
    return sorted(best.values(), key=lambda h: -h["score"])[:top]


# -- screening ------------------------------------------------------------------------------
@transaction.atomic
def screen_name(org, actor, name: str, country: str = "") -> Screening:
    """An ad-hoc screen from the search box or the API; kept as evidence, raises no alert."""
    name = (name or "").strip()
    if not name or len(name) > 500 or "\x00" in name:
        raise invalid("name", "Give a name of 1 to 500 characters.")
    built = current_index()
    if built is None:
        raise Conflict("No restricted-party list is loaded yet.")
    index, versions, _records = built
    threshold = threshold_for(org)
    hits = _hits(index, [name], country, threshold)
    screening = Screening.objects.create(
        organisation=org,
        query=name,
        country=(country or "")[:2].upper(),
        reason="ad_hoc",
        threshold=threshold,
        matches=hits,
        outcome=Outcome.POTENTIAL if hits else Outcome.CLEAR,
        created_by=actor,
        updated_by=actor,
    )
    screening.versions.set(versions)
    audit.record(
        AuditAction.CREATE,
        organisation=org,
        actor=actor,
        target=screening,
        changes={"query": name, "matches": len(hits)},
    )
    return screening


def _outcome(partner) -> str:
    states = set(partner.alerts.values_list("status", flat=True))
    if AlertStatus.TRUE_MATCH in states:
        return Outcome.CONFIRMED
    if states & set(OPEN_STATES):
        return Outcome.POTENTIAL
    return Outcome.CLEAR


@transaction.atomic
def screen_partner(
    org, partner, *, reason: str, actor=None, built=None, retier: bool = True
) -> Screening | None:
    """Screen the partner's names; new potential matches become alerts.

    A false positive decided earlier for this partner and list entry is not raised again
    unless the entry's names or the partner's name changed since.
    """
    built = built or current_index()
    if built is None:
        return None
    concurrency.lock(partner)  # one screening of a partner at a time: no duplicate alerts
    index, versions, records = built
    threshold = threshold_for(org)
    hits = _hits(index, [partner.legal_name, *partner.other_names], partner.country, threshold)
    screening = Screening.objects.create(
        organisation=org,
        partner=partner,
        query=partner.legal_name,
        country=partner.country,
        reason=reason,
        threshold=threshold,
        matches=hits,
        outcome=Outcome.CLEAR,
        created_by=actor,
        updated_by=actor,
    )
    screening.versions.set(versions)
    key = _name_as_written(partner.legal_name)
    suppressed = {
        (s.list_name, s.entry_id): s
        for s in Suppression.objects.for_org(org).filter(partner=partner)
    }
    existing = {
        (a.list_name, a.entry_id)
        for a in Alert.objects.for_org(org)
        .filter(partner=partner)
        .exclude(status=AlertStatus.FALSE_POSITIVE)
    }
    new_alerts = []
    for hit in hits:
        entry_key = (hit["list"], hit["entry_id"])
        record = records.get(entry_key)
        if record is None or entry_key in existing:
            continue
        s = suppressed.get(entry_key)
        if s and s.entry_fingerprint == record["fingerprint"] and s.partner_name_key == key:
            continue
        new_alerts.append(
            Alert(
                organisation=org,
                partner=partner,
                screening=screening,
                record_id=record["pk"],
                list_name=hit["list"],
                entry_id=hit["entry_id"],
                entry_name=record["names"][0]["name"] if record["names"] else hit["name"],
                matched_name=hit["name"],
                score=hit["score"],
                explanation=hit["explanation"],
                created_by=actor,
                updated_by=actor,
            )
        )
    Alert.objects.bulk_create(new_alerts)
    screening.outcome = _outcome(partner)
    screening.save(update_fields=["outcome"])
    audit.record(
        AuditAction.CREATE,
        organisation=org,
        actor=actor,
        target=screening,
        changes={
            "partner": partner.pk,
            "reason": reason,
            "matches": len(hits),
            "new_alerts": len(new_alerts),
            "versions": [v.pk for v in versions],
        },
    )
    if new_alerts:
        _notify(
            org,
            f"[OpenCTPAT] Screening: {len(new_alerts)} potential match(es) for "
            f"{partner.legal_name}",
            "\n".join(
                f"- {a.list_name.upper()} {a.entry_id} {a.entry_name} ({a.score:.2f})"
                for a in new_alerts
            )
            + "\n\nReview them in OpenCTPAT (Screening).",
        )
    if retier:
        from openctpat.partners.services import recompute_tiers

        recompute_tiers(org, [partner])
    return screening


def _notify(org, subject: str, body: str) -> None:
    recipients = owner_emails(org)
    if recipients:
        send_mail(subject, body, None, recipients)


def partner_states(org, partner_ids) -> dict[int, str]:
    """partner id -> clear | potential_match | confirmed_match, for partners screened."""
    screened = set(
        Screening.objects.for_org(org)
        .filter(partner_id__in=partner_ids)
        .values_list("partner_id", flat=True)
        .distinct()
    )
    states = dict.fromkeys(screened, Outcome.CLEAR.value)
    for pid, status in (
        Alert.objects.for_org(org)
        .filter(partner_id__in=partner_ids)
        .exclude(status=AlertStatus.FALSE_POSITIVE)
        .values_list("partner_id", "status")
    ):
        if status == AlertStatus.TRUE_MATCH:
            states[pid] = Outcome.CONFIRMED.value
        elif states.get(pid) != Outcome.CONFIRMED:
            states[pid] = Outcome.POTENTIAL.value
    return states


# -- dispositions ----------------------------------------------------------------------------
def _name_as_written(name: str) -> str:
    """The partner's name as a false-positive decision saw it: any edit counts as a change."""
    return " ".join(name.casefold().split())[:200]


def _ensure_open(alert: Alert, *states) -> None:
    """Lock the alert, then refuse a decision on one that is already decided."""
    concurrency.lock(alert)
    if alert.status not in (states or (AlertStatus.OPEN,)):
        raise Conflict(f"This alert is already decided: {alert.get_status_display()}.")


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason or "\x00" in reason or len(reason) > 5000:
        raise invalid("reason", "Give the reason for the decision (up to 5,000 characters).")
    return reason


def _decide(org, actor, alert: Alert, status: str, note: str, **extra) -> Alert:
    before = alert.status
    alert.status = status
    for k, v in extra.items():
        setattr(alert, k, v)
    alert.updated_by = actor
    alert.save()
    audit.record(
        AuditAction.UPDATE,
        organisation=org,
        actor=actor,
        target=alert,
        changes={"status": [before, status], "reason": note},
    )
    return alert


def _first_review(org, actor, alert: Alert, status: str, reason: str) -> str:
    """The first reviewer decides an open alert, giving their reason (returned cleaned)."""
    _ensure_open(alert)
    reason = _reason(reason)
    now = timezone.now()
    _decide(org, actor, alert, status, reason, reason=reason, decided_by=actor, decided_at=now)
    return reason


@transaction.atomic
def mark_false_positive(org, actor, alert: Alert, reason: str) -> Alert:
    _first_review(org, actor, alert, AlertStatus.FALSE_POSITIVE, reason)
    Suppression.objects.create(
        organisation=org,
        partner=alert.partner,
        list_name=alert.list_name,
        entry_id=alert.entry_id,
        entry_fingerprint=alert.record.fingerprint,
        partner_name_key=_name_as_written(alert.partner.legal_name),
        alert=alert,
        created_by=actor,
        updated_by=actor,
    )
    _after_decision(org, alert)
    return alert


@transaction.atomic
def mark_true_match(org, actor, alert: Alert, reason: str) -> Alert:
    """The partner is on the list: flagged and suspended (after a second reviewer, if the
    organisation asks for four eyes)."""
    four_eyes = settings_for(org).four_eyes
    status = AlertStatus.PENDING_CONFIRMATION if four_eyes else AlertStatus.TRUE_MATCH
    reason = _first_review(org, actor, alert, status, reason)
    if four_eyes:
        _notify(
            org,
            f"[OpenCTPAT] Confirm a restricted-party match for {alert.partner.legal_name}",
            f"{actor.email} marked {alert.list_name.upper()} {alert.entry_id} "
            f"{alert.entry_name} as a true match: {reason}\n\nA second reviewer must confirm it.",
        )
    else:
        _suspend(org, actor, alert)
    _after_decision(org, alert)
    return alert


@transaction.atomic
def confirm_true_match(
    org, actor, alert: Alert, *, confirm: bool = True, reason: str = ""
) -> Alert:
    """The second reviewer: confirms (the partner is suspended) or sends it back to open."""
    _ensure_open(alert, AlertStatus.PENDING_CONFIRMATION)
    if alert.decided_by_id == actor.pk:
        raise PermissionDenied("A second reviewer must confirm: not the one who decided.")
    if confirm:
        _decide(
            org,
            actor,
            alert,
            AlertStatus.TRUE_MATCH,
            reason or "confirmed",
            confirmed_by=actor,
            confirmed_at=timezone.now(),
        )
        _suspend(org, actor, alert)
    else:
        _decide(
            org, actor, alert, AlertStatus.OPEN, _reason(reason), decided_by=None, decided_at=None
        )
    _after_decision(org, alert)
    return alert


def _suspend(org, actor, alert: Alert) -> None:
    from openctpat.partners import services as partner_services
    from openctpat.partners.models import PartnerStatus

    partner = alert.partner
    if partner.status != PartnerStatus.SUSPENDED:
        partner_services.update_partner(org, actor, partner, status=PartnerStatus.SUSPENDED)
    _notify(
        org,
        f"[OpenCTPAT] {partner.legal_name} is a confirmed restricted-party match",
        f"{partner.legal_name} matches {alert.list_name.upper()} {alert.entry_id} "
        f"{alert.entry_name}. The partner is suspended until the match is resolved.",
    )


def _after_decision(org, alert: Alert) -> None:
    from openctpat.partners.services import recompute_tiers

    latest = alert.partner.screenings.order_by("-created_at", "-id").first()
    if latest:
        concurrency.lock(latest)
        latest.outcome = _outcome(alert.partner)
        latest.save(update_fields=["outcome"])
    recompute_tiers(org, [alert.partner])


def search_alerts(org, status="undecided", partner_id=None):
    """Alerts in one ``status``; "all" or None (the API's default) for every one, and by
    default (the page's) those a reviewer still has to decide."""
    alerts = Alert.objects.for_org(org)
    if status == "undecided":
        alerts = alerts.filter(status__in=OPEN_STATES)
    elif status not in (None, "all"):
        alerts = alerts.filter(status=status)
    return alerts.filter(partner_id=partner_id) if partner_id else alerts


def alert_counts(org) -> dict[str, int]:
    return dict(Alert.objects.for_org(org).values_list("status").annotate(n=Count("id")).order_by())


# -- rescreening -----------------------------------------------------------------------------
def start_rescreen_now() -> RescreenRun:
    """Rescreen everyone in this process (the demo; the CLI with no worker running)."""
    run = RescreenRun.objects.create(version=active_versions().first())
    rescreen(run)
    return run


def start_rescreen(version: ListVersion) -> RescreenRun:
    run = RescreenRun.objects.create(version=version)
    rescreen_task.enqueue(run.pk)
    return run


@task()
def rescreen_task(run_id: int) -> int:
    return rescreen(RescreenRun.objects.get(pk=run_id))


def rescreen(run: RescreenRun) -> int:
    """Screen every live partner of every organisation against the active lists.

    Tiers are recomputed once per batch of partners rather than per partner.
    """
    from openctpat.partners.models import BusinessPartner, PartnerStatus
    from openctpat.partners.services import recompute_tiers

    partners = (
        BusinessPartner.objects.exclude(status=PartnerStatus.TERMINATED)
        .select_related("organisation")
        .order_by("organisation_id", "pk")
    )
    per_org = dict(partners.values_list("organisation_id").annotate(n=Count("id")).order_by())
    run.total = sum(per_org.values())
    run.save(update_fields=["total"])
    RescreenShare.objects.bulk_create(
        RescreenShare(run=run, organisation_id=org_id, total=n) for org_id, n in per_org.items()
    )
    built = current_index()
    raised, done, batch = 0, 0, []
    share = {"organisation_id": None, "done": 0, "alerts_raised": 0}

    def save_share():
        if share["organisation_id"] is not None:
            RescreenShare.objects.filter(run=run, organisation_id=share["organisation_id"]).update(
                done=share["done"], alerts_raised=share["alerts_raised"]
            )

    def flush():
        if batch:
            recompute_tiers(batch[0].organisation, batch)
            batch.clear()
        save_share()
        RescreenRun.objects.filter(pk=run.pk).update(done=done, alerts_raised=raised)

    try:
        for partner in partners.iterator(chunk_size=500):
            if batch and (partner.organisation_id != batch[0].organisation_id or len(batch) >= 500):
                flush()
            if partner.organisation_id != share["organisation_id"]:
                share.update(organisation_id=partner.organisation_id, done=0, alerts_raised=0)
            with audit.context("task"):
                screening = screen_partner(
                    partner.organisation,
                    partner,
                    reason="list_update",
                    built=built,
                    retier=False,
                )
            new_alerts = screening.alerts.count() if screening else 0
            raised += new_alerts
            share["alerts_raised"] += new_alerts
            share["done"] += 1
            batch.append(partner)
            done += 1
        flush()
    except Exception as exc:  # recorded for the page; the task framework logs the trace
        run.error = str(exc)[:2000]
        raise
    finally:
        save_share()
        run.done = done
        run.alerts_raised = raised
        run.finished_at = timezone.now()
        run.save()
    return raised


RUN_FAILED = "The rescreen stopped with an error; staff have the details."


def rescreen_runs(org, user):
    """Rescreen runs as this user may see them: staff see every organisation's totals, a
    member only their organisation's share (runs it had no partners in are left out)."""
    runs = RescreenRun.objects.select_related("version")
    if user.is_staff:
        return runs.annotate(
            scope=Value("all"),
            share_total=F("total"),
            share_done=F("done"),
            share_alerts_raised=F("alerts_raised"),
            share_error=F("error"),
        )
    share = RescreenShare.objects.for_org(org).filter(run=OuterRef("pk"))
    return runs.filter(Exists(share)).annotate(
        scope=Value("organisation"),
        share_total=Subquery(share.values("total")[:1]),
        share_done=Subquery(share.values("done")[:1]),
        share_alerts_raised=Subquery(share.values("alerts_raised")[:1]),
        share_error=Case(When(error="", then=Value("")), default=Value(RUN_FAILED)),
    )


@task()
def screen_partners_task(organisation_id: int, partner_ids: list[int], reason: str) -> int:
    from openctpat.accounts.models import Organisation
    from openctpat.partners.models import BusinessPartner

    org = Organisation.objects.get(pk=organisation_id)
    built = current_index()
    if built is None:
        return 0
    partners = list(BusinessPartner.objects.for_org(org).filter(pk__in=partner_ids))
    for partner in partners:
        with audit.context("task"):
            screen_partner(org, partner, reason=reason, built=built, retier=False)
    from openctpat.partners.services import recompute_tiers

    recompute_tiers(org, partners)
    return len(partners)
