"""Every detail page renders the template made for it: a custom template that exists but is not the one
the view picks is a page its users never see (the rectification case page was such a page)."""

from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.urls import URLPattern, URLResolver, get_resolver

from portal.crud import ObjectDetailView

GENERIC = "crud/object_detail.html"


def detail_views(patterns=None):
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            yield from detail_views(entry.url_patterns)
        elif isinstance(entry, URLPattern):
            view = getattr(entry.callback, "view_class", None)
            if view is not None and issubclass(view, ObjectDetailView):
                yield view


def exists(name: str) -> bool:
    try:
        get_template(name)
    except TemplateDoesNotExist:
        return False
    return True


def test_each_detail_page_uses_the_template_made_for_it():
    views = set(detail_views())
    assert len(views) > 20  # the walk found the portal's detail pages
    wrong = []
    for view_class in views:
        view = view_class()
        opts = view_class.model._meta
        made_for_it = [
            name
            for name in (
                f"{opts.app_label}/{opts.model_name}_detail.html",
                f"{opts.app_label}/{view.url_name}_detail.html",
                view_class.template_name,
            )
            if name != GENERIC and exists(name)
        ]
        used = next(name for name in view.get_template_names() if exists(name))
        if made_for_it and used != made_for_it[0] and used not in made_for_it:
            wrong.append(f"{view_class.__name__}: renders {used}, not {made_for_it}")
    assert wrong == []
