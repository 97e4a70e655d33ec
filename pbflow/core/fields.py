"""What every form's fields share: trimmed input, one translated length message, a quicker select."""

from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape
from wtforms.validators import Length
from wtforms.widgets import Select, html_params


def strip(value):
    return value.strip() if isinstance(value, str) else value


def at_most(limit):
    return Length(max=limit, message=_l("Use at most %(max)d characters."))


OPTGROUP = '<optgroup label="%s">'
OPTION = '<option value="%s">%s</option>'
OPTION_SELECTED = '<option selected value="%s">%s</option>'


class PlainSelect(Select):
    """WTForms' select with each plain option written in one step: a list's filter form renders dozens of
    options on every request, and building each one's attributes through html_params (and inspecting
    render_option's signature for each select) was a tenth of the list page's time. The same markup; options with extra attributes take WTForms' own way."""

    def __call__(self, field, **kwargs):
        if not field.has_groups():
            return super().__call__(field, **kwargs)
        # WTForms' own rendering of grouped options (Select.__call__), with each group's opening tag written in one
        # step: html_params for each of the 18 districts' groups was a third of the areas' select.
        kwargs.setdefault("id", field.id)
        if self.multiple:
            kwargs["multiple"] = True
        flags = getattr(field, "flags", {})
        for name in self.validation_attrs:
            if name not in kwargs and getattr(flags, name, False):
                kwargs[name] = getattr(flags, name)
        html = [f"<select {html_params(name=field.name, **kwargs)}>"]
        for group, choices in field._iter_groups_normalized():
            if group is not None:
                html.append(OPTGROUP % escape(group).replace(Markup('"'), Markup("&quot;")))  # as html_params
            html.extend(self.render_option(choice) for choice in choices)
            if group is not None:
                html.append("</optgroup>")
        html.append("</select>")
        return Markup("".join(html))  # noqa: S704 - every part escaped above or by WTForms

    @classmethod
    def render_option(cls, choice, **kwargs):
        if kwargs or choice.render_kw or isinstance(choice.value, bool):
            return super().render_option(choice, **kwargs)
        template = OPTION_SELECTED if choice.selected else OPTION
        # Both values escaped here; Markup.format would do the same at four times the cost. A lazy label is
        # translated once (by escape), not once to see whether it is empty and again to write it.
        value = escape(choice.value)
        label = escape(choice.label) if choice.label is not None else ""
        return Markup(template % (value, label or value))  # noqa: S704

    @classmethod
    def _dispatch_render_option(cls):
        # WTForms inspects render_option's signature on every render to support old overrides; this one is current.
        return cls.render_option
