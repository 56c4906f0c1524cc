from openctpat.core.permissions import PERMISSIONS


def organisation(request):
    role = getattr(request, "role", None)
    return {
        "current_org": getattr(request, "org", None),
        "current_role": role,
        "my_memberships": getattr(request, "memberships", []),
        "can": {perm: role in roles for perm, roles in PERMISSIONS.items()},
    }
