"""A named slot a lower app asks and a higher app fills in its ``AppConfig.ready()``.

The partner register needs facts other apps hold (country threat ratings from risk,
screening states from screening) without importing them: it declares a ``Provider`` with
a default answer, and the app that knows registers the function that gives the real one.
"""

from collections.abc import Callable


class Provider:
    def __init__(self, name: str, default: Callable):
        self.name = name
        self.default = default
        self.provide: Callable | None = None

    def register(self, provide: Callable) -> Callable:
        self.provide = provide
        return provide

    def __call__(self, *args, **kwargs):
        return (self.provide or self.default)(*args, **kwargs)

    def __repr__(self):
        return f"<Provider {self.name}: {getattr(self.provide, '__qualname__', 'default')}>"
