"""Demo content: the real OFAC SDN (2021 release) and CSL test files, a partner that hits
the SDN list, and the lane partners screened."""

from pathlib import Path

from . import services
from .models import ListVersion

# The list files live beside the tests in a source checkout (not in the installed package).
LISTS = Path(__file__).resolve().parents[3] / "tests" / "data" / "lists"
SDN = [LISTS / "ofac" / f for f in ("sdn.csv", "alt.csv", "add.csv", "sdn_comments.csv")]
CSL = [LISTS / "csl" / "csl.csv"]


def load_demo(org, owner) -> bool:
    if ListVersion.objects.exists() or not all(p.exists() for p in [*SDN, *CSL]):
        return False
    services.load_list_files(SDN, rescreen=False)
    services.load_list_files(CSL, rescreen=False)
    from openctpat.partners import services as partner_services

    # A forwarder whose name is on the SDN list (entry 15120): the alert to try the workflow.
    partner_services.create_partner(
        org,
        owner,
        legal_name="Arta Shipping Enterprises Ltd.",
        partner_type="sea_carrier",
        country="CY",
        services=["sea_transport"],
        status="prospect",
    )
    run = services.start_rescreen_now()
    return run.done > 0
