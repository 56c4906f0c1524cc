"""The twelve MSC categories and their three focus areas, numbered as CBP numbers them.

The same numbering is used by every entity type's criteria (2019 MSC onward).
"""

FOCUS_AREAS = {
    "corporate": "Corporate Security",
    "transportation": "Transportation Security",
    "people_physical": "People and Physical Security",
}

CATEGORIES = {
    1: ("Security Vision and Responsibility", "corporate"),
    2: ("Risk Assessment", "corporate"),
    3: ("Business Partners", "corporate"),
    4: ("Cybersecurity", "corporate"),
    5: ("Conveyance and Instruments of International Traffic (IIT) Security", "transportation"),
    6: ("Seal Security", "transportation"),
    7: ("Procedural Security", "transportation"),
    8: ("Agricultural Security", "transportation"),
    9: ("Physical Security", "people_physical"),
    10: ("Physical Access Controls", "people_physical"),
    11: ("Personnel Security", "people_physical"),
    12: ("Education, Training and Awareness", "people_physical"),
}


def category_name(number: int) -> str:
    return CATEGORIES[number][0]


def focus_area(number: int) -> str:
    return FOCUS_AREAS[CATEGORIES[number][1]]
