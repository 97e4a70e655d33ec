"""The base of every pbflow form: Flask-WTF's, with hidden fields rendered without an id.

A page often holds several forms (a table of supporters with a button per row, a meeting's ideas and comments), and
each would otherwise carry `<input id="csrf_token">`: one id on many elements, which WCAG 2.1's 4.1.1 forbids and
which a label or aria reference would resolve to the first. A hidden field is never labelled, so it needs no id.
"""

from flask_wtf import FlaskForm


class Form(FlaskForm):
    class Meta:
        def render_field(self, field, render_kw):
            if getattr(field.widget, "input_type", None) == "hidden":
                render_kw = {"id": False, **render_kw}
            return super().render_field(field, render_kw)
