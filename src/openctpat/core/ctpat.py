"""Program vocabulary shared by every app: the CTPAT business entity types."""

from django.db import models


class EntityType(models.TextChoices):
    IMPORTER = "importer", "Importer (U.S. / non-resident Canadian)"
    EXPORTER = "exporter", "Exporter"
    AIR_CARRIER = "air_carrier", "Air Carrier"
    SEA_CARRIER = "sea_carrier", "Sea Carrier"
    RAIL_CARRIER = "rail_carrier", "Rail Carrier"
    HIGHWAY_CARRIER = "highway_carrier", "Highway Carrier (U.S./Canada and Mexico)"
    MEXICAN_LHC = "mexican_lhc", "Mexican Long-Haul Highway Carrier"
    CONSOLIDATOR = "consolidator", "Consolidator / Ocean Transport Intermediary"
    THIRD_PARTY_LOGISTICS = "third_party_logistics", "Third-Party Logistics Provider (3PL)"
    CUSTOMS_BROKER = "customs_broker", "Customs Broker"
    MPTO = "mpto", "Marine Port Authority and Terminal Operator"
    FOREIGN_MANUFACTURER = "foreign_manufacturer", "Foreign Manufacturer"
