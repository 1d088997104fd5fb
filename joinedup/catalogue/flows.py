"""In-platform flows a provision can name (a service request form, council tax …).

An app that offers a flow registers it in its AppConfig.ready():

    register_flow("service-request", url_name="service_requests:new", label=_("Report it"))

The front door links to the flow's URL with the service, body and location in the
query string. A provision naming a flow that no installed app offers is answered as a
link to the organisation's page, so residents are never sent to a form that is not there.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise


@dataclass(frozen=True)
class Flow:
    key: str
    url_name: str
    label: str | Promise  # lazy, so it shows in the resident's language


_FLOWS: dict[str, Flow] = {}


def register_flow(key: str, *, url_name: str, label: str | Promise) -> None:
    _FLOWS[key] = Flow(key=key, url_name=url_name, label=label)


def unregister_flow(key: str) -> None:
    _FLOWS.pop(key, None)


def flow_get(key: str) -> Flow | None:
    return _FLOWS.get(key)


def flow_url(key: str) -> str | None:
    """The flow's start URL, or None when no installed app offers it."""
    flow = _FLOWS.get(key)
    if flow is None:
        return None
    try:
        return reverse(flow.url_name)
    except NoReverseMatch:
        return None
