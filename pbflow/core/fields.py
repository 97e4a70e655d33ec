"""What every form's fields share: trimmed input, one translated length message, a quicker select."""

from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from wtforms.validators import Length
from wtforms.widgets import Select


def strip(value):
    return value.strip() if isinstance(value, str) else value


def at_most(limit):
    return Length(max=limit, message=_l("Use at most %(max)d characters."))


OPTION = Markup('<option value="{}">{}</option>')
OPTION_SELECTED = Markup('<option selected value="{}">{}</option>')


class PlainSelect(Select):
    """WTForms' select with each plain option written in one step: a list's filter form renders dozens of
    options on every request, and building each one's attributes through html_params (and inspecting
    render_option's signature for each select) was a tenth of the list page's time. The same markup; options with extra attributes take WTForms' own way."""

    @classmethod
    def render_option(cls, choice, **kwargs):
        if kwargs or choice.render_kw or isinstance(choice.value, bool):
            return super().render_option(choice, **kwargs)
        template = OPTION_SELECTED if choice.selected else OPTION
        return template.format(choice.value, choice.label or choice.value)  # Markup.format escapes both

    @classmethod
    def _dispatch_render_option(cls):
        # WTForms inspects render_option's signature on every render to support old overrides; this one is current.
        return cls.render_option
