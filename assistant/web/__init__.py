"""The web app: a thin Gradio layer over the Python API (see app.py, handlers.py, views.py)."""

from assistant.web.serve import launch_app, serve

__all__ = ["create_app", "launch_app", "serve"]


def create_app(*args, **kwargs):  # type: ignore[no-untyped-def]
    """`assistant.web.app.create_app`, imported lazily (it imports Gradio)."""
    from assistant.web.app import create_app as build

    return build(*args, **kwargs)
