"""The officers' back office: the queue (filters, search, map, pages, CSV) and the case
page with its history and the work done on a case."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    StreamingHttpResponse,
)
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_http_methods, require_POST

from joinedup.core.models import Organisation, User
from joinedup.crm import selectors as crm_selectors
from joinedup.service_requests import selectors
from joinedup.service_requests.forms import (
    AssignForm,
    MergeForm,
    NoteForm,
    PersonLinkForm,
    QueueFilterForm,
    RespondForm,
    ShareForm,
    TransferForm,
)
from joinedup.service_requests.index import get_request_types
from joinedup.service_requests.models import EventKind, ServiceRequest, Status, Team
from joinedup.service_requests.questions import answer_labels
from joinedup.service_requests.routes import request_types_available
from joinedup.service_requests.services import (
    service_request_assign,
    service_request_merge,
    service_request_note_add,
    service_request_person_link,
    service_request_person_unlink,
    service_request_respond,
    service_request_share,
    service_request_transfer,
    service_requests_export_record,
)

PAGE_SIZE = 50
MAP_LIMIT = 1000


def _queue_context(request: HttpRequest) -> dict:
    organisation = selectors.queue_organisation_get(
        actor=request.user, slug=request.GET.get("organisation", "")[:100] or None
    )
    services = [
        (a.service.code, a.service.name)
        for a in request_types_available(organisation_id=organisation.pk)
    ]
    areas = [
        (a.pk, a.name)
        for a in selectors.queue_area_choices(actor=request.user, organisation=organisation)
    ]
    teams = [
        (f"team:{t.pk}", t.name)
        for t in selectors.teams_for(actor=request.user, organisation=organisation)
    ]
    form = QueueFilterForm(request.GET or None, services=services, areas=areas, teams=teams)
    filters = selectors.QueueFilters()
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        filters = selectors.QueueFilters(
            service=data["service"],
            status=data["status"],
            area=data["area"],
            overdue=data["overdue"],
            q=data["q"],
            assigned=data["assigned"],
        )
    queue = selectors.service_request_queue(
        actor=request.user, organisation=organisation, filters=filters
    )
    keep = {k: v for k, v in request.GET.items() if k != "page" and v}
    return {
        "organisation": organisation,
        "organisations": selectors.organisations_for_queue(actor=request.user),
        "form": form,
        "queue": queue,
        "search": filters.q,
        "query": urlencode(keep),
    }


def _search_read(request: HttpRequest, context: dict, shown: list[int], purpose: str) -> None:
    """A search that found requests by their reporters' names is an audited read."""
    if context["search"]:
        selectors.service_request_search_read(
            actor=request.user,
            organisation=context["organisation"],
            queue=context["queue"],
            query=context["search"],
            shown=shown,
            purpose=purpose,
        )


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    context = _queue_context(request)
    page = Paginator(context["queue"], PAGE_SIZE).get_page(request.GET.get("page"))
    _search_read(request, context, [sr.pk for sr in page.object_list], "Searching a request queue")
    del context["queue"]
    context.update(page=page, now=timezone.now())
    return render(request, "service_requests/staff/queue.html", context)


CSV_COLUMNS = [
    "reference",
    "service",
    "status",
    "open",
    "requested",
    "due",
    "overdue",
    "organisation",
    "ward",
    "district",
    "postcode",
    "location",
    "lat",
    "lon",
    "team",
    "officer",
    "description",
]


def _csv_rows(queue, ids: list[int]) -> Iterator[list[str]]:
    """The file: exactly the requests recorded as exported (`ids`), in the queue's order;
    one that arrives while the file is written is left out."""
    yield CSV_COLUMNS
    now = timezone.now()
    wanted = set(ids)
    for sr in queue.iterator(chunk_size=500):
        if sr.pk not in wanted:
            continue
        yield [
            sr.reference,
            sr.service.code,
            sr.status,
            "yes" if sr.is_open else "no",
            timezone.localtime(sr.requested_at).isoformat(timespec="seconds"),
            timezone.localtime(sr.due_at).isoformat(timespec="seconds") if sr.due_at else "",
            "yes" if sr.is_open and sr.due_at and sr.due_at < now else "no",
            sr.organisation.name,
            sr.ward.name if sr.ward else "",
            sr.district.name if sr.district else "",
            sr.postcode,
            sr.location_text,
            f"{sr.lat:.6f}",
            f"{sr.lon:.6f}",
            sr.assigned_team.name if sr.assigned_team else "",
            sr.assigned_to.get_username() if sr.assigned_to else "",
            sr.description,
        ]


class _Echo:
    def write(self, value: str) -> str:
        return value


def _safe(cell: str) -> str:
    # A cell starting with = + - @ would run as a formula in a spreadsheet (CSV injection).
    return "'" + cell if cell[:1] in ("=", "+", "-", "@", "\t", "\r") else cell


@login_required
def export_csv(request: HttpRequest) -> StreamingHttpResponse:
    context = _queue_context(request)
    organisation = context["organisation"]
    ids = list(context["queue"].values_list("pk", flat=True))
    service_requests_export_record(
        actor=request.user,
        organisation=organisation,
        query=context["query"],
        requests=ids,
        columns=CSV_COLUMNS,
    )
    _search_read(request, context, ids, "Exporting a request queue as CSV")
    writer = csv.writer(_Echo())
    rows = (writer.writerow([_safe(c) for c in row]) for row in _csv_rows(context["queue"], ids))
    response = StreamingHttpResponse(rows, content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = (
        f'attachment; filename="requests-{organisation.slug}-{stamp}.csv"'
    )
    return response


@login_required
def queue_map(request: HttpRequest) -> HttpResponse:
    context = _queue_context(request)
    shown = list(context["queue"][:MAP_LIMIT])
    _search_read(request, context, [sr.pk for sr in shown], "Mapping a request queue")
    points = [
        {
            "lat": sr.lat,
            "lon": sr.lon,
            "ref": sr.reference,
            "label": f"{sr.reference}: {sr.service.name} ({Status(sr.status).label})",
            "url": reverse("service_requests:case", args=[sr.pk]),
            "overdue": sr.is_overdue,
        }
        for sr in shown
    ]
    boundary = [
        {
            "type": "Feature",
            "properties": {"name": a.name},
            "geometry": json.loads(a.geometry.geojson),
        }
        for a in context["organisation"].areas.exclude(geometry=None)
    ]
    context.update(points=points, boundary=boundary, shown=len(shown), limit=MAP_LIMIT)
    return render(request, "service_requests/staff/map.html", context)


def _case_context(request: HttpRequest, sr: ServiceRequest, **forms) -> dict:
    actor = request.user
    can_work = selectors.can_work_on(actor=actor, request=sr)
    request_type = get_request_types().by_code.get(sr.service.code)
    linked_person = selectors.linked_person_get(actor=actor, request=sr)
    # The page shows who reported it: the read goes in the audit log.
    selectors.service_request_contact_read(actor=actor, request=sr, person=linked_person)
    context: dict[str, Any] = {
        "sr": sr,
        "linked_person": linked_person,
        "status_label": Status(sr.status).label,
        "answers": answer_labels(request_type, sr.answers, "en") if request_type else [],
        "events": list(sr.events.all()),
        "can_work": can_work,
        "EventKind": EventKind,
        "now": timezone.now(),
    }
    if can_work:
        organisation = sr.organisation
        teams = [
            (t.pk, t.name) for t in selectors.teams_for(actor=actor, organisation=organisation)
        ]
        officers = [
            (u.pk, u.get_username())
            for u in selectors.officers_for(actor=actor, organisation=organisation)
        ]
        context.update(
            respond_form=forms.get("respond") or RespondForm(),
            note_form=forms.get("note") or NoteForm(),
            assign_form=forms.get("assign")
            or AssignForm(
                teams=teams,
                officers=officers,
                initial={"team": sr.assigned_team_id, "officer": sr.assigned_to_id},
            ),
            merge_form=forms.get("merge") or MergeForm(),
            transfer_form=forms.get("transfer")
            or TransferForm(
                organisations=[
                    (o.pk, o.name) for o in selectors.transfer_choices(actor=actor, request=sr)
                ]
            ),
            share_form=forms.get("share")
            or ShareForm(
                organisations=[
                    (o.pk, o.name) for o in selectors.share_choices(actor=actor, request=sr)
                ]
            ),
        )
    return context


@login_required
def case(request: HttpRequest, pk: int) -> HttpResponse:
    sr = selectors.service_request_get(actor=request.user, pk=pk)
    return render(request, "service_requests/staff/case.html", _case_context(request, sr))


def _bound_form(action: str, request: HttpRequest, sr: ServiceRequest):
    actor = request.user
    if action == "respond":
        return RespondForm(request.POST)
    if action == "note":
        return NoteForm(request.POST)
    if action == "assign":
        teams = [
            (t.pk, t.name) for t in selectors.teams_for(actor=actor, organisation=sr.organisation)
        ]
        officers = [
            (u.pk, u.get_username())
            for u in selectors.officers_for(actor=actor, organisation=sr.organisation)
        ]
        return AssignForm(request.POST, teams=teams, officers=officers)
    if action == "merge":
        return MergeForm(request.POST)
    if action == "transfer":
        choices = [(o.pk, o.name) for o in selectors.transfer_choices(actor=actor, request=sr)]
        return TransferForm(request.POST, organisations=choices)
    choices = [(o.pk, o.name) for o in selectors.share_choices(actor=actor, request=sr)]
    return ShareForm(request.POST, organisations=choices)


def _run(action: str, actor, sr: ServiceRequest, data: dict) -> None:
    """Call the one service behind an action with the form's cleaned data."""
    if action == "respond":
        service_request_respond(
            actor=actor, request=sr, text=data["text"], status=data["status"] or None
        )
    elif action == "note":
        service_request_note_add(actor=actor, request=sr, text=data["note"])
    elif action == "assign":
        team = Team.objects.filter(pk=data["team"]).first() if data["team"] else None
        officer = User.objects.filter(pk=data["officer"]).first() if data["officer"] else None
        service_request_assign(actor=actor, request=sr, team=team, officer=officer)
    elif action == "merge":
        try:
            into = selectors.service_request_get(actor=actor, pk=data["into"])
        except Http404:
            raise ValidationError(
                {
                    "into": [
                        _("There is no report %(ref)s that you can see.") % {"ref": data["into"]}
                    ]
                }
            ) from None
        service_request_merge(actor=actor, request=sr, into=into)
    elif action == "transfer":
        organisation = Organisation.objects.get(pk=data["organisation"])
        service_request_transfer(
            actor=actor, request=sr, organisation=organisation, reason=data["reason"]
        )
    elif action == "share":
        organisation = Organisation.objects.get(pk=data["organisation"])
        service_request_share(actor=actor, request=sr, organisation=organisation)


DONE = {
    "respond": _lazy("The update has been recorded."),
    "note": _lazy("The note has been added."),
    "assign": _lazy("The assignment has been changed."),
    "merge": _lazy("The report has been merged."),
    "transfer": _lazy("The report has been transferred."),
    "share": _lazy("The report has been shared."),
}


@login_required
@require_POST
def case_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    sr = selectors.service_request_get(actor=request.user, pk=pk)
    if action not in DONE:
        raise Http404("No such action")
    form = _bound_form(action, request, sr)
    if form.is_valid():
        try:
            _run(action, request.user, sr, form.cleaned_data)
        except ValidationError as exc:
            for field, texts in exc.message_dict.items():
                for text in texts:
                    form.add_error(field if field in form.fields else None, text)
        else:
            messages.success(request, str(DONE[action]))
            return HttpResponseRedirect(reverse("service_requests:case", args=[pk]))
    sr = selectors.service_request_get(actor=request.user, pk=pk)
    context = _case_context(request, sr, **{action: form})
    context["failed_action"] = action
    return render(request, "service_requests/staff/case.html", context, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def person_link(request: HttpRequest, pk: int) -> HttpResponse:
    """Link the request to the person who made it in the shared citizen record: search
    the people the officer can see, then choose one."""
    sr = selectors.service_request_get(actor=request.user, pk=pk)
    if not selectors.can_work_on(actor=request.user, request=sr):
        raise PermissionDenied(_("You can read this request but not change it."))
    form = PersonLinkForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            person = crm_selectors.person_get(
                actor=request.user, public_id=form.cleaned_data["person"]
            )
            service_request_person_link(actor=request.user, request=sr, person=person)
        except Http404:
            form.add_error("person", _("Choose a person from the search results"))
        except ValidationError as exc:
            for texts in exc.message_dict.values():
                for text in texts:
                    form.add_error(None, text)
        else:
            messages.success(request, _("Linked to %(name)s.") % {"name": person.full_name})
            return HttpResponseRedirect(reverse("service_requests:case", args=[pk]))
    linked_person = selectors.linked_person_get(actor=request.user, request=sr)
    selectors.service_request_contact_read(
        actor=request.user,
        request=sr,
        person=linked_person,
        purpose="Linking a service request to a person",
    )
    query = request.GET.get("q", "").strip()[:200]
    people = crm_selectors.person_search(actor=request.user, query=query) if query else []
    return render(
        request,
        "service_requests/staff/person_link.html",
        {
            "sr": sr,
            "form": form,
            "query": query,
            "suggested": sr.email or sr.name,
            "people": people,
            "linked_person": linked_person,
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def person_unlink(request: HttpRequest, pk: int) -> HttpResponse:
    sr = selectors.service_request_get(actor=request.user, pk=pk)
    service_request_person_unlink(actor=request.user, request=sr)
    messages.success(request, _("The request is no longer linked to a person."))
    return HttpResponseRedirect(reverse("service_requests:case", args=[pk]))


@login_required
def original_photo(request: HttpRequest, pk: int, photo_pk: int) -> FileResponse:
    found = selectors.original_photo_get(actor=request.user, request_pk=pk, photo_pk=photo_pk)
    response = FileResponse(found.original.open("rb"), content_type=found.original_type)
    response["Cache-Control"] = "private, no-store"
    return response
