from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from joinedup.integrations.govuk_notify.selectors import notify_message_list


@login_required
def outbox(request: HttpRequest) -> HttpResponse:
    page = Paginator(notify_message_list(actor=request.user), 50).get_page(request.GET.get("page"))
    return render(request, "govuk_notify/outbox.html", {"page": page})
