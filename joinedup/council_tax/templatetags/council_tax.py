import datetime as dt

from django import template

from joinedup.council_tax.schedule import InstalmentState

register = template.Library()


@register.filter
def instalment_status(instalment: InstalmentState, today: dt.date) -> str:
    return instalment.status(today)
