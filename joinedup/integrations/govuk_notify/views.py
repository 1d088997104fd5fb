from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from joinedup.integrations.govuk_notify.selectors import notify_message_list, notify_messages_shown


@login_required
def outbox(request: HttpRequest) -> HttpResponse:
    page = Paginator(notify_message_list(actor=request.user), 50).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    # The page shows recipients' addresses: each view is recorded.
    notify_messages_shown(actor=request.user, messages=page.object_list)
    return render(request, "govuk_notify/outbox.html", {"page": page})
