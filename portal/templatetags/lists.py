"""The tools every list page carries: export to xlsx and print, and the heading of a printout.

``{% list_tools %}`` links to the page's own address with ``format=xlsx`` (``portal.exports``) and
with ``print=1`` (every row on one page, printed at once); ``{% print_header title filters count %}``
is the printout's heading: the list's title, the filters set and the date, hidden on screen.
"""

from django import template

from portal.filters import filters_text

register = template.Library()

OWN_PARAMETERS = ("page", "print", "format")  # the page's own; everything else is a filter


def _query(request, **extra) -> str:
    query = request.GET.copy()
    for name in OWN_PARAMETERS:
        query.pop(name, None)
    for name, value in extra.items():
        query[name] = value
    return query.urlencode()


@register.inclusion_tag("includes/list_tools.html", takes_context=True)
def list_tools(context):
    request = context["request"]
    return {"export_url": f"?{_query(request, format='xlsx')}", "print_url": f"?{_query(request, print='1')}"}


@register.inclusion_tag("includes/print_header.html", takes_context=True)
def print_header(context, title, filters=(), count=None):
    request = context["request"]
    return {
        "title": title,
        "filters_text": filters_text(filters),
        "count": count,
        "user": context.get("user"),
        "printing": request.GET.get("print") == "1",
        "list_url": f"?{_query(request)}",
    }


@register.filter
def row_count(paginator) -> str:
    """A list's number of rows: "10000+" when the count stopped at its cap (``portal.pagination``)."""
    if paginator is None:
        return ""
    return f"{paginator.count}+" if getattr(paginator, "capped", False) else str(paginator.count)
