from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from joinedup.core import selectors
from joinedup.core.forms import SignInForm
from joinedup.core.permissions import ADMIN_ROLES, has_role


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html")


def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness probe for the load balancer; the trivial view benchmarks measure as the floor."""
    return JsonResponse({"status": "ok"})


class SignInView(auth_views.LoginView):
    template_name = "core/sign_in.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True


@login_required
def staff_home(request: HttpRequest) -> HttpResponse:
    organisations = selectors.organisation_list_for_actor(actor=request.user)
    partnerships = selectors.partnership_list_for_actor(actor=request.user)
    return render(
        request,
        "core/staff_home.html",
        {"organisations": organisations, "partnerships": partnerships},
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
