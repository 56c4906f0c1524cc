import datetime

from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.views.decorators.http import require_POST

from openctpat.core import concurrency
from openctpat.core.client_address import client_ip
from openctpat.core.errors import DomainError
from openctpat.core.pages import safe_next, show_stale_edit
from openctpat.core.permissions import Perm, Role, org_view
from openctpat.core.resources import PAGE_SIZE
from openctpat.core.routes import route
from openctpat.core.throttle import Throttle

from . import mfa, resources, services
from .forms import (
    CodeForm,
    InviteForm,
    LoginForm,
    OrganisationForm,
    PasswordChangeWithTokensForm,
    SignupForm,
    TokenForm,
)
from .middleware import SESSION_ORG_KEY
from .models import ApiToken, User


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


@route("logout/", "logout")
@require_POST
def logout_view(request):
    auth_logout(request)
    messages.info(request, "You are signed out.")
    return redirect("accounts:login")


@route("no-organisation/")
@login_required
def no_organisation(request):
    if request.org is not None:
        return redirect("home:home")
    return render(request, "accounts/no_organisation.html")


@route("switch/")
@login_required
@require_POST
def switch_organisation(request):
    try:
        wanted = int(request.POST.get("organisation", ""))
    except ValueError:
        wanted = None
    membership = next((m for m in request.memberships if m.organisation_id == wanted), None)
    if membership is None:
        messages.error(request, "You are not a member of that organisation.")
    else:
        request.session[SESSION_ORG_KEY] = membership.organisation_id
        messages.success(request, f"Now working in {membership.organisation.name}.")
    return redirect("home:home")


@route("organisation/", "organisation")
@org_view(Perm.VIEW)
def organisation_settings(request):
    org = request.org
    can_edit = request.role == Role.OWNER
    form = OrganisationForm(request.POST or None, instance=org)
    if request.method == "POST":
        if not can_edit:
            messages.error(request, "Only an owner can change the organisation's settings.")
            return redirect("accounts:organisation")
        if form.is_valid():
            data = {f: form.cleaned_data[f] for f in form.Meta.fields}
            form.instance.refresh_from_db()  # the service applies and audits the change
            concurrency.expect(org, request.POST.get("version"), check_now=False)
            try:
                services.update_organisation(org, request.user, **data)
            except concurrency.StaleEdit as exc:
                show_stale_edit(request, form, exc)
            except DomainError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, "Organisation settings saved.")
                return redirect("accounts:organisation")
    if not can_edit:
        for field in form.fields.values():
            field.disabled = True
    return render(
        request, "accounts/organisation.html", {"form": form, "org": org, "can_edit": can_edit}
    )


@route("members/")
@org_view(Perm.VIEW)
def members(request):
    org = request.org
    is_owner = request.role == Role.OWNER
    invite_form = InviteForm(request.POST or None)
    if request.method == "POST":
        if not is_owner:
            messages.error(request, "Only an owner can invite members.")
            return redirect("accounts:members")
        if invite_form.is_valid():
            try:
                kwargs = resources.invitations.create_kwargs(request)
                services.invite_member(org, request.user, **invite_form.cleaned_data, **kwargs)
            except DomainError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(
                    request, f"Invitation sent to {invite_form.cleaned_data['email']}."
                )
                return redirect("accounts:members")
    page = Paginator(resources.members.filtered(org), PAGE_SIZE).get_page(request.GET.get("page"))
    pending = resources.invitations.queryset(org).filter(
        accepted_at__isnull=True, revoked_at__isnull=True
    )
    invitations = pending[:PAGE_SIZE] if is_owner else []
    return render(
        request,
        "accounts/members.html",
        {
            "page": page,
            "invitations": invitations,
            "invite_form": invite_form,
            "is_owner": is_owner,
            "roles": Role.choices,
        },
    )


@route("members/<int:pk>/role/")
@org_view(Perm.MANAGE_MEMBERS)
@require_POST
def member_role(request, pk):
    membership = resources.members.get(request, pk)
    try:
        services.change_role(request.org, request.user, membership, request.POST.get("role", ""))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, f"{membership.user.email} is now {membership.get_role_display()}."
        )
    if request.htmx:
        return render(
            request,
            "accounts/_member_row.html",
            {"m": membership, "is_owner": True, "roles": Role.choices},
        )
    return redirect("accounts:members")


@route("invitations/<str:token>/")
def invitation_accept(request, token):
    try:
        invitation = services.find_invitation(token)
    except DomainError as exc:
        return render(
            request, "accounts/invitation_invalid.html", {"reason": exc.message}, status=404
        )
    user = request.user
    existing = User.objects.filter(email__iexact=invitation.email).first()
    if user.is_authenticated:
        if request.method == "POST":
            try:
                membership = services.accept_invitation(token, user)
            except DomainError as exc:
                messages.error(request, exc.message)
            else:
                request.session[SESSION_ORG_KEY] = membership.organisation_id
                messages.success(request, f"You joined {invitation.organisation.name}.")
                return redirect("home:home")
        return render(request, "accounts/invitation_accept.html", {"invitation": invitation})
    if existing is not None:
        messages.info(request, "Sign in to accept the invitation.")
        return redirect(f"{reverse('accounts:login')}?next={request.path}")
    form = SignupForm(request.POST or None, email=invitation.email)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            user = User.objects.create_user(
                invitation.email,
                form.cleaned_data["password1"],
                first_name=form.cleaned_data["first_name"],
                last_name=form.cleaned_data["last_name"],
            )
            membership = services.accept_invitation(token, user)
        auth_login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        request.session[SESSION_ORG_KEY] = membership.organisation_id
        messages.success(request, f"Welcome to {invitation.organisation.name}.")
        return redirect("home:home")
    return render(
        request, "accounts/invitation_signup.html", {"invitation": invitation, "form": form}
    )


@route("tokens/")
@org_view(Perm.MANAGE_TOKENS)
def tokens(request):
    org = request.org
    form = TokenForm(request.POST or None)
    new_token = None
    if request.method == "POST" and form.is_valid():
        try:
            token, new_token = services.create_api_token(org, request.user, **form.cleaned_data)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request, f"Token '{token.name}' created. Copy it now: it is shown once."
            )
            form = TokenForm()
    page = Paginator(resources.tokens.filtered(org), PAGE_SIZE).get_page(request.GET.get("page"))
    # With two-factor required, a holder who has not set it up cannot use their tokens.
    stopped = mfa.without_two_factor({t.user_id for t in page}) if org.require_mfa else set()
    for token in page:
        token.stopped_for_two_factor = token.status == "active" and token.user_id in stopped
    return render(
        request, "accounts/tokens.html", {"form": form, "page": page, "new_token": new_token}
    )


@route("security/")
@login_required
def security(request):
    return render(
        request,
        "accounts/security.html",
        {
            "devices": mfa.confirmed_devices(request.user),
            "mfa_required": any(m.organisation.require_mfa for m in request.memberships),
            "backup_codes_left": mfa.backup_codes_left(request.user),
        },
    )


@route("two-factor/setup/")
@login_required
def mfa_setup(request):
    if mfa.confirmed_devices(request.user):
        messages.info(request, "Two-factor authentication is already on.")
        return redirect("accounts:security")
    device = mfa.pending_device(request.user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = mfa.confirm_device(request, device, form.cleaned_data["code"])
        if codes is not None:
            messages.success(request, "Two-factor authentication is on.")
            return render(request, "accounts/backup_codes.html", {"codes": codes})
        form.add_error("code", "That code is not right. Check the time on your phone and retry.")
    return render(
        request,
        "accounts/mfa_setup.html",
        {"form": form, "qr_svg": mfa.qr_svg(device), "secret": mfa.base32_secret(device)},
    )


@route("two-factor/verify/")
@login_required
def mfa_verify(request):
    if not mfa.confirmed_devices(request.user) or request.user.is_verified():
        return redirect(safe_next(request, reverse("home:home")))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if mfa.verify(request, form.cleaned_data["code"]):
            return redirect(safe_next(request, reverse("home:home")))
        form.add_error("code", "That code is not right.")
    return render(
        request, "accounts/mfa_verify.html", {"form": form, "next": safe_next(request, "")}
    )


@route("two-factor/disable/")
@login_required
@require_POST
def mfa_disable(request):
    if any(m.organisation.require_mfa for m in request.memberships):
        messages.error(request, "An organisation you belong to requires two-factor authentication.")
        return redirect("accounts:security")
    form = CodeForm(request.POST)
    if form.is_valid() and mfa.disable(request, form.cleaned_data["code"]):
        messages.success(request, "Two-factor authentication is off.")
    else:
        messages.error(request, "Enter a current code from your authenticator to turn it off.")
    return redirect("accounts:security")


class PasswordChangeView(auth_views.PasswordChangeView):
    """Change the password, and (ticked by default) revoke the API tokens made with the old."""

    template_name = "accounts/password_change.html"
    form_class = PasswordChangeWithTokensForm
    success_url = reverse_lazy("accounts:security")

    def get_context_data(self, **kwargs):
        tokens = ApiToken.objects.filter(user=self.request.user, revoked_at__isnull=True)
        return super().get_context_data(**kwargs, active_tokens=tokens.count())

    @transaction.atomic
    def form_valid(self, form):
        response = super().form_valid(form)
        revoked = services.password_changed(
            self.request.user, reset=False, revoke_tokens=form.cleaned_data["revoke_tokens"]
        )
        messages.success(
            self.request,
            f"Password changed. {revoked} API token{'s' if revoked != 1 else ''} revoked."
            if revoked
            else "Password changed.",
        )
        return response


PASSWORD_RESETS_PER_ADDRESS = Throttle("password-reset-address", 10, datetime.timedelta(hours=1))
PASSWORD_RESETS_PER_ACCOUNT = Throttle("password-reset-account", 3, datetime.timedelta(hours=1))


class PasswordResetView(auth_views.PasswordResetView):
    """Email a reset link; requests are limited per address and per account.

    The limit per account counts the address typed, whether or not it has an account, so
    that being refused says nothing about which addresses do.
    """

    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/password_reset_email.txt"
    subject_template_name = "accounts/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form):
        address = client_ip(self.request) or ""
        account = form.cleaned_data["email"].strip().lower()
        over = PASSWORD_RESETS_PER_ADDRESS.hit(address) > PASSWORD_RESETS_PER_ADDRESS.limit
        over |= PASSWORD_RESETS_PER_ACCOUNT.hit(account) > PASSWORD_RESETS_PER_ACCOUNT.limit
        if over:
            form.add_error(None, "Too many password reset requests. Wait an hour, then try again.")
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().form_valid(form)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Set the new password; every API token of the account is revoked and the reset audited."""

    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:login")

    @transaction.atomic
    def form_valid(self, form):
        response = super().form_valid(form)
        services.password_changed(form.user, reset=True, revoke_tokens=True)
        return response
