"""What the partner register tells other apps and asks them for.

The apps above partners (risk, screening) connect to these signals and fill these
providers in their ``AppConfig.ready()``; partners imports neither of them.
"""

from django.dispatch import Signal

from openctpat.core.registry import Provider

# A partner was created ("created") or its legal name, other names or country changed
# ("changed"): sent inside the write's transaction, before the partner is re-tiered.
# Arguments: organisation, partner, actor, reason.
partner_changed = Signal()
# Partners came in by file (sent once the import's transaction committed).
# Arguments: organisation, partner_ids.
partners_imported = Signal()
# A partner submitted a questionnaire. Arguments: organisation, partner.
questionnaire_submitted = Signal()

# country -> worst threat rating, and where the ratings come from.
country_ratings = Provider("country_ratings", lambda org: ({}, "no risk data"))
# partner id -> the activities its parties perform in the cargo-flow lanes.
lane_activities = Provider("lane_activities", lambda org, partner_ids: {})
# partner id -> clear | potential_match | confirmed_match, for the partners screened.
screening_states = Provider("screening_states", lambda org, partner_ids: {})
# The partners queryset annotated with ``screened_at`` and ``screening_outcome``.
with_last_screening = Provider("with_last_screening", lambda partners: partners)
