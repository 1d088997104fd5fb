from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from joinedup.core.selectors import organisation_get_for_actor
from joinedup.integrations.govuk_pay.client import PayError
from joinedup.payments.selectors import payment_get_by_return_token, reconciliation_report_list
from joinedup.payments.services import WebhookRejected, payment_sync, payment_webhook_receive


def payment_return(request: HttpRequest, token: str) -> HttpResponse:
    """Where GOV.UK Pay sends the payer back. Arriving here proves nothing: we ask the
    provider for the outcome. If it cannot be reached, the page says we are checking,
    and the reconciliation task records the outcome later."""
    payment = payment_get_by_return_token(token=token)
    checking = False
    try:
        payment = payment_sync(payment=payment)
    except PayError:
        checking = True
    return render(request, "payments/return.html", {"payment": payment, "checking": checking})


@csrf_exempt  # authenticated by the Pay-Signature HMAC, not by a browser session
@require_POST
def govuk_pay_webhook(request: HttpRequest) -> HttpResponse:
    try:
        outcome = payment_webhook_receive(
            body=request.body, signature=request.headers.get("Pay-Signature", "")
        )
    except WebhookRejected as exc:
        return HttpResponse(
            str(exc), status=401 if "signature" in str(exc) else 400, content_type="text/plain"
        )
    return HttpResponse(outcome, content_type="text/plain")


@login_required
def reconciliation_reports(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = organisation_get_for_actor(actor=request.user, slug=slug)
    reports = reconciliation_report_list(actor=request.user, organisation=organisation)
    chosen = None
    day = request.GET.get("day")
    if day:
        try:
            chosen = reports.filter(day=dt.date.fromisoformat(day)).first()
        except ValueError:
            chosen = None
    chosen = chosen or reports.first()
    return render(
        request,
        "payments/reconciliation.html",
        {
            "organisation": organisation,
            "reports": reports[:60],
            "report": chosen,
            "today": timezone.localdate(),
        },
    )
