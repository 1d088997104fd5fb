"""Council tax pages: residents find their account and pay; revenues officers search
accounts, see the ledger, refund, and print bills."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from joinedup.core.audit import audit_record
from joinedup.council_tax import selectors
from joinedup.council_tax.forms import (
    FindAccountForm,
    LinkAccountForm,
    PayForm,
    RefundForm,
    StaffLinkForm,
)
from joinedup.council_tax.services import (
    TooManyAttempts,
    account_find,
    account_link_resident,
    account_payment_start,
    account_unlink_resident,
    liable_person_link,
    liable_person_unlink,
)
from joinedup.crm import selectors as crm_selectors
from joinedup.payments.selectors import ledger_entry_list, refundable_pence
from joinedup.payments.services import PaymentUnavailable, RefundConflict, refund_issue

SESSION_KEY = "council_tax_account"


def _client_address(request: HttpRequest) -> str:
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    return forwarded.split(",")[0].strip() if forwarded else request.META.get("REMOTE_ADDR", "")


def _money(pence: int) -> str:
    return f"£{pence / 100:,.2f}"


# -- residents -------------------------------------------------------------------------
@require_http_methods(["GET", "POST"])
def find_account(request: HttpRequest) -> HttpResponse:
    form = FindAccountForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            account = account_find(
                reference=form.cleaned_data["reference"],
                postcode=form.cleaned_data["postcode"],
                client_address=_client_address(request),
            )
        except TooManyAttempts:
            form.add_error(
                None, _("You have tried too many times. Wait 15 minutes, then try again.")
            )
        else:
            if account is None:
                form.add_error(
                    None,
                    _(
                        "We could not find an account with that reference and postcode. Check both are as shown on your bill."
                    ),
                )
            else:
                request.session.cycle_key()
                request.session[SESSION_KEY] = account.pk
                return redirect("council_tax:account")
    return render(request, "council_tax/find.html", {"form": form})


def _resident_account(request: HttpRequest):
    return selectors.account_for_resident(account_id=request.session.get(SESSION_KEY))


def _link_form(
    request: HttpRequest, account, data=None
) -> tuple[selectors.ResidentLink | None, LinkAccountForm | None]:
    link = selectors.resident_link_state(user=request.user, account=account)
    if link is None or link.linked or not link.choices:
        return link, None
    return link, LinkAccountForm(data, choices=[(p.pk, p.full_name) for p in link.choices])


def account(request: HttpRequest) -> HttpResponse:
    if not request.session.get(SESSION_KEY):
        return redirect("council_tax:find")
    found = _resident_account(request)
    summary = selectors.account_summary(found, today=timezone.localdate())
    link, link_form = _link_form(request, found)
    return render(
        request,
        "council_tax/account.html",
        {"summary": summary, "link": link, "link_form": link_form},
    )


@require_POST
def link(request: HttpRequest) -> HttpResponse:
    """A signed-in resident adds the account they found (by reference and postcode, this
    session) to their own account."""
    if not request.session.get(SESSION_KEY):
        return redirect("council_tax:find")
    if not request.user.is_authenticated:
        return redirect("council_tax:account")
    found = _resident_account(request)
    link_state, form = _link_form(request, found, request.POST)
    if form is None:
        return redirect("council_tax:account")
    if form.is_valid():
        try:
            account_link_resident(
                user=request.user,
                account=found,
                liable_person_id=form.cleaned_data["liable_person"],
            )
        except ValidationError as exc:
            form.add_error("liable_person", exc.messages[0])
        else:
            messages.success(request, _("This council tax account is now in your account."))
            return redirect("council_tax:account")
    summary = selectors.account_summary(found, today=timezone.localdate())
    return render(
        request,
        "council_tax/account.html",
        {"summary": summary, "link": link_state, "link_form": form},
    )


@login_required(login_url="accounts:sign-in")
@require_http_methods(["GET", "POST"])
def unlink(request: HttpRequest, liable_person_id: int) -> HttpResponse:
    """A signed-in resident takes a council tax account out of their account: "Are you
    sure?", then the change and back to their account. Only their own link (else 404)."""
    liable = selectors.resident_link_get(user=request.user, liable_person_id=liable_person_id)
    if request.method == "POST":
        account_unlink_resident(user=request.user, liable_person_id=liable.pk)
        messages.success(
            request,
            _("Council tax account %(reference)s is no longer in your account.")
            % {"reference": liable.account.reference},
        )
        return redirect("accounts:my-account")
    return render(request, "council_tax/unlink.html", {"liable": liable, "account": liable.account})


def _pay_choices(summary) -> list[tuple[str, str]]:
    choices = []
    if summary.next_instalment and not summary.whole_balance_due and summary.balance_pence > 0:
        amount = min(
            summary.next_instalment.outstanding_pence + summary.overdue_pence, summary.balance_pence
        )
        if summary.overdue_pence:
            label = _("Instalments due now: %(amount)s") % {"amount": _money(summary.overdue_pence)}
            amount = summary.overdue_pence
        else:
            label = _("Next instalment: %(amount)s") % {"amount": _money(amount)}
        choices.append((f"instalment:{amount}", label))
    if summary.balance_pence > 0:
        choices.append(
            (
                f"balance:{summary.balance_pence}",
                _("The whole balance: %(amount)s") % {"amount": _money(summary.balance_pence)},
            )
        )
        choices.append(("other", _("Another amount")))
    return choices


@require_http_methods(["GET", "POST"])
def pay(request: HttpRequest) -> HttpResponse:
    if not request.session.get(SESSION_KEY):
        return redirect("council_tax:find")
    summary = selectors.account_summary(_resident_account(request), today=timezone.localdate())
    choices = _pay_choices(summary)
    form = PayForm(
        request.POST if request.method == "POST" else None,
        initial={"email": summary.account.email},
        choices=choices,
        balance_pence=summary.balance_pence,
    )
    if request.method == "POST" and form.is_valid():
        what = form.cleaned_data["what"]
        if what == "other":
            amount, label = form.cleaned_data["other_amount"], "payment"
        else:
            kind, pence = what.split(":")
            amount, label = int(pence), kind
        try:
            payment = account_payment_start(
                account=summary.account,
                amount_pence=amount,
                what=label,
                email=form.cleaned_data["email"],
                language=translation.get_language()[:2],
                return_url_for=lambda token: request.build_absolute_uri(
                    reverse("payments:return", args=[token])
                ),
                continue_url=reverse("council_tax:account"),
            )
        except PaymentUnavailable:
            form.add_error(
                None,
                _(
                    "Sorry, you cannot pay online at the moment. Try again later; you have not been charged."
                ),
            )
        except ValidationError as exc:
            form.add_error(None, exc.messages[0])
        else:
            return HttpResponseRedirect(payment.next_url)
    return render(
        request,
        "council_tax/pay.html",
        {"summary": summary, "form": form, "has_choices": bool(choices)},
    )


@require_POST
def leave(request: HttpRequest) -> HttpResponse:
    request.session.pop(SESSION_KEY, None)
    return redirect("council_tax:find")


# -- officers ----------------------------------------------------------------------------
@login_required
def staff_search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")
    accounts = selectors.account_list(actor=request.user, query=query)[:50] if query else []
    return render(request, "council_tax/staff/search.html", {"query": query, "accounts": accounts})


def _staff_account_context(request: HttpRequest, account) -> dict:
    summary = selectors.account_summary(account, today=timezone.localdate())
    return {
        "summary": summary,
        "entries": ledger_entry_list(actor=request.user, account=account.ledger_account),
        "payments": selectors.account_payments(account=account),
        "can_refund": selectors.can_refund(actor=request.user, account=account),
    }


@login_required
def staff_account(request: HttpRequest, account_id: int) -> HttpResponse:
    account = selectors.account_get(actor=request.user, account_id=account_id)
    # Reading someone's council tax account is a read of personal data: audited.
    audit_record(
        actor=request.user,
        action="council_tax.account.view",
        obj=account,
        organisation=account.organisation,
    )
    return render(
        request, "council_tax/staff/account.html", _staff_account_context(request, account)
    )


@login_required
@require_http_methods(["GET", "POST"])
def staff_refund(request: HttpRequest, payment_id: str) -> HttpResponse:
    payment, account = selectors.account_payment_get(actor=request.user, payment_id=payment_id)
    if not selectors.can_refund(actor=request.user, account=account):
        return render(request, "404.html", status=404)
    available = refundable_pence(payment)
    form = RefundForm(
        request.POST if request.method == "POST" else None,
        initial={"expected_available": available},
    )
    if request.method == "POST" and form.is_valid():
        try:
            refund_issue(
                actor=request.user,
                payment=payment,
                amount_pence=form.cleaned_data["amount"],
                expected_available_pence=form.cleaned_data["expected_available"],
                reason=form.cleaned_data["reason"],
            )
        except (RefundConflict, ValidationError) as exc:
            message = exc.messages[0] if isinstance(exc, ValidationError) else str(exc)
            form = RefundForm({**request.POST.dict(), "expected_available": available})
            form.is_valid()
            form.add_error(None, message)
        else:
            messages.success(
                request,
                _("Refund of %(amount)s made.") % {"amount": _money(form.cleaned_data["amount"])},
            )
            return redirect("council_tax:staff-account", account_id=account.pk)
    return render(
        request,
        "council_tax/staff/refund.html",
        {"payment": payment, "account": account, "available": available, "form": form},
    )


@login_required
def staff_bill(request: HttpRequest, account_id: int) -> HttpResponse:
    account = selectors.account_get(actor=request.user, account_id=account_id)
    summary = selectors.account_summary(account, today=timezone.localdate())
    if summary.bill is None:
        return render(request, "404.html", status=404)
    response = render(request, "council_tax/bill.html", {"summary": summary, "bill": summary.bill})
    if request.GET.get("download"):
        response["Content-Disposition"] = (
            f'attachment; filename="council-tax-bill-{account.reference}-{summary.bill.financial_year}.html"'
        )
    audit_record(
        actor=request.user,
        action="council_tax.bill.print",
        obj=summary.bill,
        organisation=account.organisation,
    )
    return response


@login_required
@require_http_methods(["GET", "POST"])
def staff_link(request: HttpRequest, account_id: int) -> HttpResponse:
    """Link a liable person on the account to a person in the shared citizen record:
    search the people the officer can see, then choose one."""
    account = selectors.account_get(actor=request.user, account_id=account_id)
    if not selectors.can_refund(actor=request.user, account=account):
        return render(request, "404.html", status=404)
    liable = selectors.liable_people_with_links(account=account)
    form = StaffLinkForm(
        request.POST if request.method == "POST" else None,
        choices=[(p.pk, p.full_name) for p in liable if p.person_id is None],
    )
    if request.method == "POST" and form.is_valid():
        try:
            person = crm_selectors.person_get(
                actor=request.user, public_id=form.cleaned_data["person"]
            )
            liable_person_link(
                actor=request.user,
                account=account,
                liable_person_id=form.cleaned_data["liable_person"],
                person=person,
            )
        except Http404:
            form.add_error("person", "Choose a person from the search results")
        except ValidationError as exc:
            form.add_error(None, exc.messages[0])
        else:
            messages.success(request, f"Linked to {person.full_name}.")
            return redirect("council_tax:staff-account", account_id=account.pk)
    query = request.GET.get("q", "")
    people = crm_selectors.person_search(actor=request.user, query=query) if query else []
    return render(
        request,
        "council_tax/staff/link.html",
        {"account": account, "liable": liable, "form": form, "query": query, "people": people},
    )


@login_required
@require_http_methods(["GET", "POST"])
def staff_unlink(request: HttpRequest, account_id: int, liable_person_id: int) -> HttpResponse:
    """Take the link to a person off one of the account's liable people (officers and
    administrators of the billing authority): confirm, then back to the account."""
    account = selectors.account_get(actor=request.user, account_id=account_id)
    if not selectors.can_refund(actor=request.user, account=account):
        return render(request, "404.html", status=404)
    liable = selectors.account_link_get(account=account, liable_person_id=liable_person_id)
    if request.method == "POST":
        person = liable.person
        liable_person_unlink(actor=request.user, account=account, liable_person_id=liable.pk)
        messages.success(
            request,
            _("%(name)s on this account is no longer linked to %(person)s.")
            % {"name": liable.full_name, "person": person.full_name if person else ""},
        )
        return redirect("council_tax:staff-account", account_id=account.pk)
    # The page shows who is liable and who they are linked to: a read of personal data.
    audit_record(
        actor=request.user,
        action="council_tax.account.view",
        obj=account,
        organisation=account.organisation,
    )
    return render(request, "council_tax/staff/unlink.html", {"account": account, "liable": liable})
