"""Residents' pages: account sign-up and sign-in, "My account", consent, privacy notices,
downloading their data and asking for erasure. English and Welsh."""

from __future__ import annotations

import json

from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from joinedup.accounts import selectors, services
from joinedup.accounts.forms import (
    EmailForm,
    ErasureForm,
    NewPasswordForm,
    ResidentSignInForm,
    SignUpForm,
)
from joinedup.crm import services as crm_services
from joinedup.integrations.govuk_one_login.client import (
    OneLoginClient,
    OneLoginError,
    PendingLogin,
    config_from_settings,
)

ONE_LOGIN_SESSION_KEY = "joinedup_one_login"


def _form_errors(form, exc: ValidationError, field: str) -> None:
    form.add_error(field, exc.messages)


def sign_up(request: HttpRequest) -> HttpResponse:
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.account_sign_up(
                email=data["email"],
                password=data["password"],
                given_name=data["given_name"],
                family_name=data["family_name"],
                link=lambda token: request.build_absolute_uri(
                    reverse("accounts:verify", args=[token])
                ),
            )
        except ValidationError as exc:
            _form_errors(form, exc, "password")
        else:
            return render(request, "accounts/check_email.html", {"email": data["email"]})
    return render(
        request,
        "accounts/sign_up.html",
        {"form": form, "one_login": config_from_settings() is not None},
    )


def verify(request: HttpRequest, token: str) -> HttpResponse:
    user = services.account_verify_email(token=token)
    if user is None:
        return render(request, "accounts/verify_failed.html", status=400)
    return render(request, "accounts/verified.html")


class ResidentSignInView(auth_views.LoginView):
    template_name = "accounts/sign_in.html"
    authentication_form = ResidentSignInForm
    redirect_authenticated_user = True

    def get_default_redirect_url(self) -> str:
        return reverse("accounts:my-account")

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "one_login": config_from_settings() is not None,
        }


def password_reset(request: HttpRequest) -> HttpResponse:
    form = EmailForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.password_reset_request(
            email=form.cleaned_data["email"],
            link=lambda uid, token: request.build_absolute_uri(
                reverse("accounts:password-reset-confirm", args=[uid, token])
            ),
        )
        return render(
            request,
            "accounts/check_email.html",
            {"email": form.cleaned_data["email"], "reset": True},
        )
    return render(request, "accounts/password_reset.html", {"form": form})


def password_reset_confirm(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    user = services.password_reset_user(uidb64=uidb64, token=token)
    if user is None:
        return render(request, "accounts/verify_failed.html", {"reset": True}, status=400)
    form = NewPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.password_reset_complete(user=user, password=form.cleaned_data["password"])
        except ValidationError as exc:
            _form_errors(form, exc, "password")
        else:
            return render(request, "accounts/password_changed.html")
    return render(request, "accounts/password_new.html", {"form": form})


def one_login_start(request: HttpRequest) -> HttpResponse:
    config = config_from_settings()
    if config is None:
        raise Http404("One Login is not enabled")
    try:
        url, pending = OneLoginClient(config).start(
            redirect_uri=request.build_absolute_uri(reverse("accounts:one-login-callback")),
            language=(get_language() or "en")[:2],
        )
    except OneLoginError:
        return render(request, "accounts/one_login_failed.html", status=502)
    request.session[ONE_LOGIN_SESSION_KEY] = pending.as_dict()
    return HttpResponseRedirect(url)


def one_login_callback(request: HttpRequest) -> HttpResponse:
    config = config_from_settings()
    saved = request.session.pop(ONE_LOGIN_SESSION_KEY, None)
    if config is None or not saved:
        raise Http404("No sign-in in progress")
    try:
        claims = OneLoginClient(config).finish(
            redirect_uri=request.build_absolute_uri(reverse("accounts:one-login-callback")),
            pending=PendingLogin(**saved),
            params=request.GET.dict(),
        )
        user = services.one_login_sign_in(claims=claims)
    except (OneLoginError, ValidationError):
        return render(request, "accounts/one_login_failed.html", status=400)
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    return HttpResponseRedirect(reverse("accounts:my-account"))


@login_required(login_url="accounts:sign-in")
def my_account(request: HttpRequest) -> HttpResponse:
    overview = selectors.account_overview(user=request.user)  # type: ignore[arg-type]
    return render(request, "accounts/my_account.html", {"overview": overview})


SECTION_PAGE_SIZE = 20


def _page_links(page) -> list[dict]:
    """The numbered links of the GOV.UK pagination component: the first and last pages,
    the current one and its neighbours, and an ellipsis for each gap."""
    links: list[dict] = []
    for number in page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1):
        if number == page.paginator.ELLIPSIS:
            links.append({"ellipsis": True})
        else:
            links.append({"number": number, "current": number == page.number})
    return links


@login_required(login_url="accounts:sign-in")
def section(request: HttpRequest, category: str) -> HttpResponse:
    """Every record of one section of "Your account", a page at a time, newest first."""
    found = selectors.account_section(user=request.user, code=category)  # type: ignore[arg-type]
    page = Paginator(found.records, SECTION_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "accounts/section.html",
        {
            "section": found,
            "page": page,
            "page_links": _page_links(page),
            "organisations": selectors.organisation_names(),
        },
    )


@login_required(login_url="accounts:sign-in")
@require_POST
def consent_change(request: HttpRequest) -> HttpResponse:
    agreement = selectors.consent_agreement_get(reference=request.POST.get("agreement", ""))
    if agreement is None:
        raise Http404("No such agreement")
    if request.POST.get("choice") == "give":
        crm_services.consent_give(user=request.user, agreement=agreement)  # type: ignore[arg-type]
    else:
        crm_services.consent_withdraw(user=request.user, agreement=agreement)  # type: ignore[arg-type]
    return HttpResponseRedirect(reverse("accounts:my-account") + "#consent")


def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/privacy.html", {"notices": selectors.privacy_notices()})


@login_required(login_url="accounts:sign-in")
def download(request: HttpRequest) -> HttpResponse:
    data = crm_services.account_data_export(user=request.user)  # type: ignore[arg-type]
    if request.GET.get("format") == "json":
        response = HttpResponse(
            json.dumps(data, indent=2, ensure_ascii=False), content_type="application/json"
        )
        response["Content-Disposition"] = 'attachment; filename="my-data.json"'
        return response
    return render(request, "accounts/download.html", {"data": data})


@login_required(login_url="accounts:sign-in")
def erasure(request: HttpRequest) -> HttpResponse:
    form = ErasureForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        crm_services.erasure_request_create(user=request.user, reason=form.cleaned_data["reason"])  # type: ignore[arg-type]
        return render(request, "accounts/erasure_requested.html")
    return render(
        request,
        "accounts/erasure.html",
        {"form": form, "title": _("Ask for your data to be erased")},
    )
