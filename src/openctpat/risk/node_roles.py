"""Which MSC categories a party on a lane is assessed against, by its role (no Django).

Our reading of the MSC: parties that stuff, store or seal cargo are assessed on every
category; carriers on all but the physical security of premises; a customs broker, who
handles data rather than goods, on governance, partners, cyber, procedures, people and
training.
"""

ALL = tuple(range(1, 13))
CATEGORIES_BY_NODE_TYPE = {
    "supplier": ALL,
    "manufacturer": ALL,
    "consolidator": ALL,
    "origin_port": (1, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12),
    "transshipment": (1, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12),
    "destination_port": (1, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12),
    "carrier_leg": (1, 3, 4, 5, 6, 7, 8, 10, 11, 12),
    "customs_broker": (1, 2, 3, 4, 7, 11, 12),
    "warehouse": ALL,
    "other": ALL,
}


def categories_for(node_type: str) -> tuple[int, ...]:
    return CATEGORIES_BY_NODE_TYPE.get(node_type, ALL)
