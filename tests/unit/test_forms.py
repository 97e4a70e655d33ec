"""Every form's hidden fields render without an id, so a page of many forms holds each id once (WCAG 2.1, 4.1.1);
the quicker select writes what WTForms writes."""

import ast
import re

from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from wtforms import HiddenField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired
from wtforms.widgets import Select

from pbflow.core.fields import PlainSelect
from pbflow.core.forms import Form
from tests.unit.test_layers import ROOT, modules


class _Supporter(Form):
    name = StringField("Name")
    version = HiddenField()


def test_a_page_of_forms_repeats_no_id(app):
    with app.test_request_context("/"):
        page = "".join(f"{_Supporter(prefix=f's{n}-').hidden_tag()}{_Supporter().name}" for n in range(3))
        first = _Supporter()
        assert 'name="s0-csrf_token"' in page and 'name="s0-version"' in page
        assert "id=" not in str(first.hidden_tag())
        assert str(first.name).startswith('<input id="name"')  # shown fields keep theirs for their labels
        assert str(first.version(id="kept")).startswith('<input id="kept"')  # an id asked for is still given
    ids = re.findall(r' id="([^"]+)"', page)
    assert ids == ["name"] * 3


def test_every_form_is_built_on_the_base_that_drops_hidden_ids():
    """A form on FlaskForm itself would bring the repeated id="csrf_token" back."""
    direct = []
    for name, path in modules().items():
        if path == ROOT / "core" / "forms.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef) and any(getattr(b, "id", "") == "FlaskForm" for b in node.bases):
                direct.append(f"{name}.{node.name}")
    assert direct == []


class _Filters(Form):
    class Meta:
        csrf = False

    area = SelectField("Area", coerce=str, widget=PlainSelect(), validators=[DataRequired()])
    status = SelectField("Status", coerce=str, widget=PlainSelect())


def test_the_quicker_select_writes_what_wtforms_writes(app):
    """Plain, grouped and lazily translated options, names with quotes and markup, the required flag and extra
    attributes: the filter forms' select (core/fields.PlainSelect) gives WTForms' own markup, byte for byte."""
    with app.test_request_context("/"):
        form = _Filters(area="2", status="")
        form.area.choices = [SelectChoice("", "All areas")] + [
            SelectChoice(str(n), f'Łąki "nad" <Wisłą> & {n}', optgroup=f'{n // 2} Dzielnica "<b>"') for n in range(5)]
        form.status.choices = [SelectChoice("", _l("All statuses")), SelectChoice("draft", _l("Draft")),
                               SelectChoice("empty", ""), SelectChoice("x", "<script>")]
        form.area.choices.append(SelectChoice("9", "Inna", optgroup=Markup('Grupa "<i>nowa</i>"')))
        for field in (form.area, form.status):
            for attributes in ({}, {"disabled": True}, {"aria-describedby": "area-hint", "class_": "wide"}):
                assert str(field(**attributes)) == str(Select()(field, **attributes))
                assert str(PlainSelect(multiple=True)(field, **attributes)) == str(
                    Select(multiple=True)(field, **attributes))
        assert 'required' in str(form.area()) and 'selected value="2"' in str(form.area())
        assert '<option value="empty">empty</option>' in str(form.status())
