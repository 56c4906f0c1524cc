"""Inspections, seals and incidents: the domain rules every page, API call and import obeys.

One module per part; every service is importable from here.
"""

from .checklists import (  # noqa: F401
    DATA,
    POINT_FIELDS,
    TEMPLATE_FIELDS,
    add_point,
    create_template,
    delete_point,
    install_standard_templates,
    standard_templates,
    templates_for,
    update_point,
    update_template,
)
from .incidents import (  # noqa: F401
    CORRECTIVE_FIELDS,
    INCIDENT_AUDITED,
    INCIDENT_FIELDS,
    NOTIFICATION_FIELDS,
    add_corrective_action,
    add_notification,
    attach_files,
    close_incident,
    create_incident,
    incident_counts,
    overdue_cbp_reports,
    search_incidents,
    update_corrective_action,
    update_incident,
)
from .inspections import (  # noqa: F401
    CONTAINER_TYPES,
    INSPECTION_AUDITED,
    INSPECTION_FIELDS,
    complete_inspection,
    delete_inspection,
    pass_remaining,
    record_point,
    search_inspections,
    start_inspection,
    update_inspection,
)
from .org_settings import SETTINGS, SETTINGS_FIELDS, settings_for, update_settings  # noqa: F401
from .seals import (  # noqa: F401
    BATCH_EDITABLE,
    BATCH_FIELDS,
    MAX_BATCH,
    MAX_SEAL_NUMBER,
    apply_seal,
    create_batch,
    find_seal,
    issue_seal,
    may_issue,
    reconciliation_report,
    record_seal_audit,
    remove_seal,
    return_seal,
    seal_audit_due,
    seal_facts,
    sign_off_seal_audit,
    update_batch,
    verify_seal,
    write_off_seal,
)
