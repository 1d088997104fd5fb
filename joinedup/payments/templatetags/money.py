from django import template

register = template.Library()


@register.filter
def pounds(pence: int | None) -> str:
    """12345 → "£123.45"; negative amounts get a minus sign."""
    if pence is None:
        return ""
    sign = "-" if pence < 0 else ""
    return f"{sign}£{abs(pence) / 100:,.2f}"


@register.filter
def pounds_abs(pence: int | None) -> str:
    """The amount without its sign: a credit shown in a Credit column."""
    return "" if pence is None else pounds(abs(pence))
