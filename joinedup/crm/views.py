"""Officer pages of the shared citizen record. Each view parses input, calls one
selector or service and renders; what an officer may see is decided in selectors."""

from __future__ import annotations

import json

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from joinedup.core.models import Organisation
from joinedup.core.permissions import ADMIN_ROLES, READ_ROLES, WRITE_ROLES, organisation_ids_for
from joinedup.crm import selectors, services
from joinedup.crm.forms import AgreementForm, ContactDetailsForm, ContactEventForm, PersonForm
from joinedup.crm.models import PersonMerge


def _acting_organisation(request: HttpRequest, roles: frozenset[str]) -> Organisation:
    """The organisation an officer acts for on a form (their first, for officers of several)."""
    ids = organisation_ids_for(request.user, roles)
    if not ids:
        raise Http404("Not found")
    return Organisation.objects.get(pk=min(ids))


def _apply_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


@login_required
def person_list(request: HttpRequest) -> HttpResponse:
    if not organisation_ids_for(request.user, READ_ROLES):
        raise Http404("Not found")
    query = request.GET.get("q", "").strip()[:200]
    people = selectors.person_search(actor=request.user, query=query) if query else []
    return render(request, "crm/person_list.html", {"query": query, "people": people})


@login_required
def person_create(request: HttpRequest) -> HttpResponse:
    organisation = _acting_organisation(request, WRITE_ROLES)
    form = PersonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            person = services.person_create(
                actor=request.user,
                organisation=organisation,
                given_name=data["given_name"],
                family_name=data["family_name"],
                date_of_birth=data["date_of_birth"],
                email=data["email"],
                phone=data["phone"],
                address=form.address(),
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            return HttpResponseRedirect(reverse("crm:person-detail", args=[person.public_id]))
    return render(
        request,
        "crm/form_page.html",
        {
            "form": form,
            "heading": _("Add a person"),
            "caption": organisation.name,
            "button": _("Add person"),
        },
    )


@login_required
def person_detail(request: HttpRequest, public_id) -> HttpResponse:
    person = selectors.person_get(actor=request.user, public_id=public_id)
    if str(person.public_id) != str(public_id):
        return HttpResponseRedirect(reverse("crm:person-detail", args=[person.public_id]))
    view = selectors.person_view(actor=request.user, person=person)
    return render(
        request,
        "crm/person_detail.html",
        {
            "view": view,
            "person": person,
            "duplicates": selectors.person_duplicates(actor=request.user, person=person),
            "merges": selectors.person_merges(actor=request.user, person=person),
            "can_write": bool(organisation_ids_for(request.user, WRITE_ROLES)),
            "is_dpo": selectors.is_data_protection_officer(actor=request.user),
        },
    )


@login_required
def contact_event_create(request: HttpRequest, public_id) -> HttpResponse:
    person = selectors.person_get(actor=request.user, public_id=public_id)
    organisation = _acting_organisation(request, WRITE_ROLES)
    form = ContactEventForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.contact_event_record(
                actor=request.user, person=person, organisation=organisation, **form.cleaned_data
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            return HttpResponseRedirect(reverse("crm:person-detail", args=[person.public_id]))
    return render(
        request,
        "crm/form_page.html",
        {
            "form": form,
            "heading": _("Record a contact"),
            "caption": person.full_name,
            "back": reverse("crm:person-detail", args=[person.public_id]),
        },
    )


@login_required
def contact_details_add(request: HttpRequest, public_id) -> HttpResponse:
    person = selectors.person_get(actor=request.user, public_id=public_id)
    organisation = _acting_organisation(request, WRITE_ROLES)
    form = ContactDetailsForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.person_contact_details_add(
                actor=request.user,
                person=person,
                organisation=organisation,
                email=data["email"],
                phone=data["phone"],
                address=form.address(),
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            return HttpResponseRedirect(reverse("crm:person-detail", args=[person.public_id]))
    return render(
        request,
        "crm/form_page.html",
        {
            "form": form,
            "heading": _("Add contact details"),
            "caption": person.full_name,
            "back": reverse("crm:person-detail", args=[person.public_id]),
        },
    )


@login_required
def person_merge(request: HttpRequest, public_id, other_id) -> HttpResponse:
    person = selectors.person_get(actor=request.user, public_id=public_id)
    other = selectors.person_get_for_merge(actor=request.user, person=person, public_id=other_id)
    if request.method == "POST":
        try:
            merge = services.person_merge(actor=request.user, survivor=person, duplicate=other)
        except ValidationError as exc:
            return render(
                request,
                "crm/person_merge.html",
                {"person": person, "other": other, "error": " ".join(exc.messages)},
                status=400,
            )
        return HttpResponseRedirect(reverse("crm:person-detail", args=[merge.survivor.public_id]))
    if not organisation_ids_for(request.user, WRITE_ROLES):
        raise Http404("Not found")
    return render(request, "crm/person_merge.html", {"person": person, "other": other})


@login_required
@require_POST
def person_unmerge(request: HttpRequest, merge_id: int) -> HttpResponse:
    merge = get_object_or_404(PersonMerge, pk=merge_id, unmerged_at__isnull=True)
    try:
        duplicate = services.person_unmerge(actor=request.user, merge=merge)
    except ValidationError:
        raise Http404("Not found") from None
    return HttpResponseRedirect(reverse("crm:person-detail", args=[duplicate.public_id]))


@login_required
def person_access_log(request: HttpRequest, public_id) -> HttpResponse:
    person = selectors.person_get(actor=request.user, public_id=public_id)
    events = selectors.person_access_log(actor=request.user, person=person)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(request, "crm/person_access_log.html", {"person": person, "page": page})


@login_required
def person_subject_access(request: HttpRequest, public_id) -> HttpResponse:
    person = selectors.person_get(actor=request.user, public_id=public_id)
    if not selectors.is_data_protection_officer(actor=request.user):
        raise Http404("Not found")
    if request.method != "POST":
        return render(request, "crm/subject_access.html", {"person": person, "data": None})
    data = services.subject_access_assemble(actor=request.user, person=person)
    if request.POST.get("format") == "json":
        response = HttpResponse(
            json.dumps(data, indent=2, ensure_ascii=False), content_type="application/json"
        )
        response["Content-Disposition"] = (
            f'attachment; filename="subject-access-{person.public_id}.json"'
        )
        return response
    return render(request, "crm/subject_access.html", {"person": person, "data": data})


@login_required
def erasure_request_list(request: HttpRequest) -> HttpResponse:
    requests = selectors.erasure_request_list(actor=request.user)
    return render(request, "crm/erasure_request_list.html", {"requests": requests})


@login_required
def erasure_request_detail(request: HttpRequest, request_id: int) -> HttpResponse:
    erasure = selectors.erasure_request_get(actor=request.user, request_id=request_id)
    report = None
    error = ""
    if request.method == "POST":
        try:
            report = services.erasure_carry_out(actor=request.user, request=erasure)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        erasure.refresh_from_db()
    return render(
        request,
        "crm/erasure_request_detail.html",
        {"erasure": erasure, "report": report, "error": error},
    )


@login_required
def agreement_list(request: HttpRequest) -> HttpResponse:
    if not organisation_ids_for(request.user, READ_ROLES):
        raise Http404("Not found")
    return render(
        request,
        "crm/agreement_list.html",
        {
            "agreements": selectors.agreement_list(actor=request.user),
            "can_create": bool(organisation_ids_for(request.user, ADMIN_ROLES)),
        },
    )


@login_required
def agreement_detail(request: HttpRequest, reference: str) -> HttpResponse:
    agreement = selectors.agreement_get(actor=request.user, reference=reference)
    admin_ids = organisation_ids_for(request.user, ADMIN_ROLES)
    unsigned = [
        p for p in agreement.parties.all() if p.signed_at is None and p.organisation_id in admin_ids
    ]
    return render(
        request,
        "crm/agreement_detail.html",
        {
            "agreement": agreement,
            "unsigned": unsigned,
            "in_force": agreement.is_in_force_on(timezone.localdate()),
        },
    )


@login_required
@require_POST
def agreement_sign(request: HttpRequest, reference: str) -> HttpResponse:
    agreement = selectors.agreement_get(actor=request.user, reference=reference)
    organisation = get_object_or_404(Organisation, pk=request.POST.get("organisation") or 0)
    services.agreement_sign(actor=request.user, agreement=agreement, organisation=organisation)
    return HttpResponseRedirect(reverse("crm:agreement-detail", args=[agreement.reference]))


@login_required
def agreement_create(request: HttpRequest) -> HttpResponse:
    organisation = _acting_organisation(request, ADMIN_ROLES)
    partners = Organisation.objects.partners().exclude(pk=organisation.pk).order_by("name")
    form = AgreementForm(request.POST or None, parties_queryset=partners)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            agreement = services.agreement_create(
                actor=request.user,
                organisation=organisation,
                reference=data["reference"],
                title=data["title"],
                purpose=data["purpose"],
                lawful_basis=data["lawful_basis"],
                lawful_basis_detail=data["lawful_basis_detail"],
                categories=[c.code for c in data["categories"]],
                parties=list(data["parties"]),
                start_date=data["start_date"],
                end_date=data["end_date"],
                review_date=data["review_date"],
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            return HttpResponseRedirect(reverse("crm:agreement-detail", args=[agreement.reference]))
    return render(
        request,
        "crm/form_page.html",
        {
            "form": form,
            "heading": _("Draft a data-sharing agreement"),
            "caption": organisation.name,
            "button": _("Save draft"),
        },
    )
