"""Page or fragment: one place decides what an htmx request gets back."""

from flask import make_response, redirect, render_template, request


def is_htmx_request():
    """A fragment is wanted: htmx asked, and it is neither boosted nor a history restore."""
    return (
        request.headers.get("HX-Request") == "true"
        and request.headers.get("HX-Boosted") != "true"
        and request.headers.get("HX-History-Restore-Request") != "true"
    )


def render(template, partial=None, status=200, **context):
    """Render the full page, or only its partial for an htmx request."""
    chosen = partial if partial and is_htmx_request() else template
    return make_response(render_template(chosen, **context), status)


def invalid(template, partial=None, **context):
    """A form that did not validate: 422 with the user's input and the errors."""
    return render(template, partial, status=422, **context)


def form_page(template, partial=None, **context):
    """Show a form: 200 the first time, 422 with the errors when a POST did not validate."""
    return render(template, partial, status=422 if request.method == "POST" else 200, **context)


def see_other(location):
    """After a successful POST: 303 for plain and boosted requests. An htmx request aimed at
    a small target gets HX-Redirect, so the next page loads whole (with its flash message)
    instead of being swapped into that target."""
    if is_htmx_request():
        response = make_response("", 204)
        response.headers["HX-Redirect"] = location
        return response
    return redirect(location, code=303)


def add_vary_header(response):
    for header in ("HX-Request", "HX-Boosted", "HX-History-Restore-Request"):
        response.vary.add(header)
    return response
