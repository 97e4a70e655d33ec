"""Every form's hidden fields render without an id, so a page of many forms holds each id once (WCAG 2.1, 4.1.1)."""

import ast
import re

from wtforms import HiddenField, StringField

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
