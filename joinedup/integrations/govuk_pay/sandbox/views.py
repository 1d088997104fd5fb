"""The sandbox's hosted payment pages: what GOV.UK Pay's card pages do, with test cards
and no money. The payer reaches them through `_links.next_url` and is sent back to the
service's `return_url` when the payment finishes."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils import translation
from django.views.decorators.http import require_http_methods, require_POST

from joinedup.integrations.govuk_pay.sandbox.forms import CardForm
from joinedup.integrations.govuk_pay.sandbox.models import SandboxPayment, SandboxStatus
from joinedup.integrations.govuk_pay.sandbox.services import (
    sandbox_card_submit,
    sandbox_payment_by_token,
    sandbox_payment_confirm,
    sandbox_payment_start,
    sandbox_payment_user_cancel,
)


def _payment(token: str) -> SandboxPayment:
    payment = sandbox_payment_by_token(token)
    if payment is None:
        raise Http404("No such payment")
    return payment


def _page(
    request: HttpRequest, payment: SandboxPayment, template: str, context: dict, status: int = 200
) -> HttpResponse:
    with translation.override(payment.language):
        response = render(request, template, {"payment": payment, **context}, status=status)
        # `render` renders at once, so the page's text is in the payment's language.
    return response


@require_http_methods(["GET", "POST"])
def card_details(request: HttpRequest, token: str) -> HttpResponse:
    payment = _payment(token)
    if payment.finished:
        return _page(request, payment, "govuk_pay_sandbox/finished.html", {})
    if payment.status == SandboxStatus.SUBMITTED:
        return HttpResponseRedirect(f"/sandbox-pay/secure/{token}/confirm/")
    payment = sandbox_payment_start(payment)
    with translation.override(payment.language):
        form = CardForm(
            request.POST if request.method == "POST" and "card_number" in request.POST else None
        )
        if form.is_bound and form.is_valid():
            payment = sandbox_card_submit(payment, form.card())
            if payment.status == SandboxStatus.SUBMITTED:
                return HttpResponseRedirect(f"/sandbox-pay/secure/{token}/confirm/")
            return _page(request, payment, "govuk_pay_sandbox/finished.html", {})
    return _page(request, payment, "govuk_pay_sandbox/card_details.html", {"form": form})


@require_http_methods(["GET", "POST"])
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    payment = _payment(token)
    if payment.status != SandboxStatus.SUBMITTED:
        if payment.finished:
            return _page(request, payment, "govuk_pay_sandbox/finished.html", {})
        return HttpResponseRedirect(f"/sandbox-pay/secure/{token}/")
    if request.method == "POST":
        payment = sandbox_payment_confirm(payment)
        return HttpResponseRedirect(payment.return_url)
    return _page(request, payment, "govuk_pay_sandbox/confirm.html", {})


@require_POST
def cancel(request: HttpRequest, token: str) -> HttpResponse:
    payment = sandbox_payment_user_cancel(_payment(token))
    return HttpResponseRedirect(payment.return_url)
