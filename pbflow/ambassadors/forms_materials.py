"""Forms for materials: the coordinator's form and the list's filter."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectChoice, SelectField
from wtforms.validators import DataRequired, Optional

from pbflow.ambassadors.forms_training import (
    FileFormMixin,
    description_field,
    file_field,
    link_field,
    title_field,
)
from pbflow.ambassadors.materials import EDITION_WIDE
from pbflow.ambassadors.models import MaterialKind
from pbflow.core.forms import Form


def kind_choices(blank=None):
    choices = [SelectChoice("", blank)] if blank else []
    return choices + [SelectChoice(kind.value, kind.title) for kind in MaterialKind]


class MaterialForm(FileFormMixin, Form):
    kind = SelectField(_l("Kind"), validators=[DataRequired(_l("Choose the kind of material."))])
    title = title_field()
    scope = SelectField(_l("For whom"), description=_l("Ambassadors of an area see its materials, "
                                                      "its district's and those for the whole edition."),
                        default=EDITION_WIDE, validators=[DataRequired(_l("Choose where the material belongs."))])
    description = description_field(_l("A few words about what is inside. You can use Markdown."))
    link_url = link_field()
    upload = file_field()
    remove_file = BooleanField(_l("Remove the attached file"))

    def __init__(self, *args, scopes=(), current_file=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = kind_choices()
        self.scope.choices = [SelectChoice(value, label, optgroup=group) for value, label, group in scopes]
        self.describe_file(current_file)

    def validate(self, extra_validators=None):
        if not super().validate(extra_validators):
            return False
        keeps_file = self.current_file is not None and not self.wants_file_removed
        if not (self.link_url.data or self.upload.data or keeps_file):
            self.link_url.errors.append(_("Give a link, a file, or both."))
            return False
        return True

    def values(self):
        return {"kind": self.kind.data, "title": self.title.data, "scope": self.scope.data,
                "description": self.description.data or "", "link_url": self.link_url.data}


class MaterialFilterForm(Form):
    class Meta:
        csrf = False  # a GET filter changes nothing

    kind = SelectField(_l("Kind"), validators=[Optional()])
    place = SelectField(_l("For whom"), validators=[Optional()])

    def __init__(self, *args, districts=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = kind_choices(_("All kinds"))
        self.place.choices = [SelectChoice("", _("Everyone")), SelectChoice(EDITION_WIDE, _("Whole edition only"))] + [
            SelectChoice(value, label) for value, label in districts]

    def query_args(self):
        return {"kind": self.kind.data or None, "place": self.place.data or None}
