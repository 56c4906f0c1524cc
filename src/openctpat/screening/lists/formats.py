"""The formats' names and descriptions, and how their companion files belong to them."""

OFAC_LEGACY = "ofac-legacy-csv"
OFAC_LEGACY_ALT = "ofac-legacy-alt"
OFAC_LEGACY_ADD = "ofac-legacy-add"
OFAC_LEGACY_COMMENTS = "ofac-legacy-comments"
OFAC_XML = "ofac-xml"
OFAC_FLAT_CSV = "ofac-flat-csv"
OFAC_FLAT_JSON = "ofac-flat-json"
OFAC_FLAT_METADATA = "ofac-flat-metadata"
CSL_CSV = "csl-csv"
CSL_JSON = "csl-json"
UN_XML = "un-xml"

FORMATS: dict[str, str] = {
    OFAC_LEGACY: "OFAC legacy CSV list file (sdn.csv or cons_prim.csv, 12 columns)",
    OFAC_LEGACY_ALT: "OFAC legacy CSV alias file (alt.csv or cons_alt.csv, 5 columns)",
    OFAC_LEGACY_ADD: "OFAC legacy CSV address file (add.csv or cons_add.csv, 6 columns)",
    OFAC_LEGACY_COMMENTS: (
        "OFAC legacy CSV remarks overflow (sdn_comments.csv or cons_comments.csv, 2 columns)"
    ),
    OFAC_XML: "OFAC XML (SDN.XML or CONSOLIDATED.XML, sdnList schema)",
    OFAC_FLAT_CSV: "flattened OFAC SDN CSV (uid,name,type,programs,alternate_names)",
    OFAC_FLAT_JSON: "flattened OFAC SDN JSON (entries with uid, name, type, programs)",
    OFAC_FLAT_METADATA: "metadata.json of the flattened OFAC SDN list (publish date, counts)",
    CSL_CSV: "Consolidated Screening List CSV (trade.gov, 29 columns)",
    CSL_JSON: "Consolidated Screening List JSON (trade.gov, {'results': [...]})",
    UN_XML: "UN Security Council consolidated list XML (CONSOLIDATED_LIST)",
}

# Companion files and the list formats they belong to.
_COMPANION_OF = {
    OFAC_LEGACY_ALT: (OFAC_LEGACY,),
    OFAC_LEGACY_ADD: (OFAC_LEGACY,),
    OFAC_LEGACY_COMMENTS: (OFAC_LEGACY,),
    OFAC_FLAT_METADATA: (OFAC_FLAT_CSV, OFAC_FLAT_JSON),
}
_ROLE = {
    OFAC_LEGACY_ALT: "alt",
    OFAC_LEGACY_ADD: "add",
    OFAC_LEGACY_COMMENTS: "comments",
    OFAC_FLAT_METADATA: "metadata",
}
_LEGACY_COLUMNS = {OFAC_LEGACY: 12, OFAC_LEGACY_ALT: 5, OFAC_LEGACY_ADD: 6, OFAC_LEGACY_COMMENTS: 2}

OFAC_FLAT_HEADER = ["uid", "name", "type", "programs", "alternate_names"]

# A cut-off final CSL record is skipped only if it spans at most this many lines: an
# unclosed quote earlier in the file swallows everything after it, and that must be refused.
_MAX_TRUNCATED_RECORD_LINES = 10


_ALT_KINDS = {"aka", "fka", "nka"}
