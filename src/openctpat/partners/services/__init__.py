"""The business-partner program: registry, certifications, imports, questionnaires, tiers.

One module per part of the program; every service is importable from here.
"""

from .actions import ACTION_FIELDS, create_action, delete_action, update_action  # noqa: F401
from .contacts import (  # noqa: F401
    CERTIFICATION_FIELDS,
    CONTACT_FIELDS,
    add_certification,
    add_contact,
    delete_certification,
    delete_contact,
    link_document,
    unlink_document,
    update_certification,
    update_contact,
    upload_document,
)
from .imports import (  # noqa: F401
    BATCH_ROWS,
    IMPORT_CHOICES,
    INLINE_ROWS,
    PROGRESS_FIELDS,
    Preview,
    commit_import,
    commit_import_task,
    preview,
    set_mapping,
    start_import,
)
from .questionnaires import (  # noqa: F401
    LINK_TTL_DAYS,
    LinkRefused,
    link_path,
    link_url,
    partner_save,
    questionnaire_for_link,
    questionnaire_score,
    reissue_link,
    revoke_link,
    send_questionnaire,
)
from .registry import (  # noqa: F401
    PARTNER_FIELDS,
    clean_partner,
    create_partner,
    delete_partner,
    search_partners,
    update_partner,
)
from .review import (  # noqa: F401
    REVIEW_FIELDS,
    complete_review,
    mark_suggested_weaknesses,
    review_item,
    suggested_weaknesses,
)
from .templates import (  # noqa: F401
    CATALOG_FOR_TYPE,
    QUESTION_FIELDS,
    TEMPLATE_FIELDS,
    add_question,
    create_template,
    delete_question,
    question_text,
    update_question,
    update_template,
)
from .tiers import (  # noqa: F401
    TIER_COLUMNS,
    TIER_FIELDS,
    TIER_SETTINGS,
    recompute_tiers,
    tier_settings_for,
    update_tier_settings,
    weights_of,
)
