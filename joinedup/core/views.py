from __future__ import annotations

import base64
import io

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from joinedup.core import selectors, services
from joinedup.core.forms import SignInForm, TokenForm
from joinedup.core.permissions import ADMIN_ROLES, has_role, is_officer_account


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html")


def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness probe for the load balancer; the trivial view benchmarks measure as the floor."""
    return JsonResponse({"status": "ok"})


class SignInView(auth_views.LoginView):
    template_name = "core/sign_in.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True


def _next_url(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse("core:staff-home")


def _qr_code_data_uri(text: str) -> str:
    # Drawn here as SVG and inlined as a data: image, so the secret never leaves the page
    # for a third-party QR service and the CSP needs no inline styles.
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=12)
    buffer = io.BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


@login_required
def mfa_verify(request: HttpRequest) -> HttpResponse:
    """Second step of an officer's sign-in: a code from their authenticator app."""
    user = request.user
    if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        return HttpResponseRedirect(reverse("core:mfa-enrol") + "?" + request.GET.urlencode())
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = services.mfa_verify(user=user, token=form.cleaned_data["token"])  # type: ignore[arg-type]
        if device is not None:
            otp_login(request, device)
            return HttpResponseRedirect(_next_url(request))
        form.add_error("token", TokenForm.WRONG_CODE)
    return render(request, "core/mfa_verify.html", {"form": form, "next": _next_url(request)})


@login_required
def mfa_enrol(request: HttpRequest) -> HttpResponse:
    """Set up an authenticator app: scan the QR code (or type the key), enter a code."""
    user = request.user
    has_device = TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    if has_device and not user.is_verified():  # type: ignore[union-attr]
        # Replacing an authenticator needs the current one first.
        return HttpResponseRedirect(reverse("core:mfa-verify") + "?" + request.GET.urlencode())
    device = services.mfa_device_pending(user=user)  # type: ignore[arg-type]
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if services.mfa_device_confirm(user=user, device=device, token=form.cleaned_data["token"]):  # type: ignore[arg-type]
            device.refresh_from_db()
            otp_login(request, device)
            return HttpResponseRedirect(_next_url(request))
        form.add_error("token", TokenForm.WRONG_CODE)
    key = base64.b32encode(device.bin_key).decode()
    return render(
        request,
        "core/mfa_enrol.html",
        {
            "form": form,
            "next": _next_url(request),
            "qr_code": _qr_code_data_uri(device.config_url),
            "key": " ".join(key[i : i + 4] for i in range(0, len(key), 4)),
            "is_officer": is_officer_account(user),
        },
    )


@login_required
def staff_home(request: HttpRequest) -> HttpResponse:
    organisations = selectors.organisation_list_for_actor(actor=request.user)
    partnerships = selectors.partnership_list_for_actor(actor=request.user)
    links = (
        [(label, reverse(name)) for label, name in settings.JOINEDUP_STAFF_LINKS]
        if organisations
        else []
    )
    return render(
        request,
        "core/staff_home.html",
        {"organisations": organisations, "partnerships": partnerships, "links": links},
    )


@login_required
def organisation_detail(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = selectors.organisation_get_for_actor(actor=request.user, slug=slug)
    members = selectors.membership_list(actor=request.user, organisation=organisation)
    return render(
        request,
        "core/organisation_detail.html",
        {
            "organisation": organisation,
            "members": members,
            "can_audit": has_role(request.user, organisation, ADMIN_ROLES),
        },
    )


@login_required
def organisation_audit(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = selectors.organisation_get_for_actor(actor=request.user, slug=slug)
    events = selectors.audit_event_list(actor=request.user, organisation=organisation)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(
        request, "core/organisation_audit.html", {"organisation": organisation, "page": page}
    )


def _wants_json(request: HttpRequest) -> bool:
    return request.path.startswith(
        ("/api/", "/mapit/")
    ) or "application/json" in request.headers.get("Accept", "")


def _error(request: HttpRequest, status: int, message: str, template: str) -> HttpResponse:
    if _wants_json(request):
        return JsonResponse({"code": status, "error": message}, status=status)
    return render(request, template, status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 400, "Bad request.", "400.html")


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 403, "You do not have permission to do that.", "403.html")


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 404, "Not found.", "404.html")


def server_error(request: HttpRequest) -> HttpResponse:
    return _error(request, 500, "Something went wrong on our side. Try again later.", "500.html")
