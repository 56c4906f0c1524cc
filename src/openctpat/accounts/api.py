from django.shortcuts import get_object_or_404
from ninja import Router

from openctpat.core.permissions import Perm, require
from openctpat.core.schemas import responses

from . import resources, services
from .models import Membership, User
from .schemas import MeOut, OrganisationOut, OrganisationPatch

router = Router(tags=["accounts"])


@router.get("/me", response=responses({200: MeOut}), summary="The caller and its organisations")
def me(request):
    user: User = request.user
    memberships = Membership.objects.filter(user=user).select_related("organisation")
    return {
        "id": user.pk,
        "email": user.email,
        "name": user.display_name,
        "organisation_id": request.org.pk,
        "role": request.role,
        "memberships": list(memberships),
    }


@router.get("/organisation", response=responses({200: OrganisationOut}), tags=["organisation"])
def get_organisation(request):
    return request.org


@router.patch("/organisation", response=responses({200: OrganisationOut}), tags=["organisation"])
def update_organisation(request, payload: OrganisationPatch):
    require(request, Perm.MANAGE_ORGANISATION)
    # null means "leave unchanged", except for the PCSO, which can be cleared
    data = {
        k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None or k == "pcso_id"
    }
    if "pcso_id" in data:
        pcso_id = data.pop("pcso_id")
        data["pcso"] = (
            get_object_or_404(User, pk=pcso_id, memberships__organisation=request.org)
            if pcso_id is not None
            else None
        )
    return services.update_organisation(request.org, request.user, **data)


# -- declared resources: members, invitations, tokens ----------------------------------------
for resource in (resources.members, resources.invitations, resources.tokens):
    resource.add_to(router, __name__)
