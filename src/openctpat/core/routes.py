"""Where each page is reached: declared on the page itself, collected for the app's urls.py.

A hand-written view carries its URL (``@route("<int:pk>/sign-off/")``), so its route and its
code are read together; a declared resource or settings page carries its own. An app's
``urls.py`` is then ``urlpatterns = urls_of(app_name, resources, views)``.
"""

from django.urls import path


def route(pattern: str, name: str = ""):
    """The URL of the view below it; its name is the view's own unless ``name`` is given."""

    def mark(view):
        view.route = (pattern, name or view.__name__)
        return view

    return mark


def urls_of(app_name: str, *modules) -> list:
    """The URL patterns of ``modules``, in the order they are written: the declared pages of
    the app's resources and settings, then every view that declares a ``route``."""
    patterns = []
    for module in modules:
        for value in vars(module).values():
            if getattr(value, "__module__", None) == module.__name__ and hasattr(value, "route"):
                patterns.append(path(value.route[0], value, name=value.route[1]))
            elif _declared_in(value, app_name):
                patterns.extend(value.urlpatterns())
    return patterns


def _declared_in(value, app_name: str) -> bool:
    """A resource or settings declaration whose pages are in ``app_name``'s namespace."""
    pages = getattr(value, "pages", None)
    if isinstance(pages, dict):
        pages = list(pages.values())
    elif hasattr(value, "page") and hasattr(value, "settings"):
        pages = [value.page] if value.page is not None else []
    else:
        return False
    return any(page.name.split(":")[0] == app_name for page in pages)
