"""Forms for the training checklist, and the link and file fields materials share."""

import unicodedata
from urllib.parse import urlsplit

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import BooleanField, StringField, TextAreaField, URLField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from pbflow.core.forms import Form
from pbflow.core.uploads import ACCEPT, UploadRefused, inspect_upload, max_bytes, megabytes

TITLE_MAX = 200
DESCRIPTION_MAX = 5000
LINK_MAX = 500


def strip(value):
    return value.strip() if isinstance(value, str) else value


def http_link(_form, field):
    """Only ordinary web addresses: no javascript:, data: or file: links, no hidden characters."""
    value = field.data or ""
    parts = urlsplit(value)
    if (parts.scheme.lower() not in {"http", "https"} or not parts.hostname
            or any(ch.isspace() or unicodedata.category(ch)[0] == "C" for ch in value)):
        raise ValidationError(_l("Enter a web address that starts with https:// or http://."))


def acceptable_upload(_form, field):
    if field.data:
        try:
            inspect_upload(field.data)
        except UploadRefused as refused:
            raise ValidationError(str(refused)) from refused


def title_field():
    return StringField(
        _l("Title"), filters=[strip],
        validators=[DataRequired(_l("Enter a title.")), Length(max=TITLE_MAX, message=_l("Use at most %(max)d characters."))],
        render_kw={"maxlength": TITLE_MAX})


def description_field(hint):
    return TextAreaField(
        _l("Description"), description=hint, filters=[strip],
        validators=[Optional(), Length(max=DESCRIPTION_MAX, message=_l("Use at most %(max)d characters."))],
        render_kw={"rows": 6, "maxlength": DESCRIPTION_MAX})


def link_field():
    return URLField(
        _l("Link"), description=_l("A web page or a document on the internet, e.g. https://budzet.krakow.pl/"),
        filters=[strip, lambda value: value or None],
        validators=[Optional(), Length(max=LINK_MAX, message=_l("Use at most %(max)d characters.")), http_link],
        render_kw={"maxlength": LINK_MAX, "spellcheck": "false", "inputmode": "url"})


def file_field(label=None):
    return FileField(label or _l("File"), validators=[acceptable_upload], render_kw={"accept": ACCEPT})


class FileFormMixin:
    """The file field's hint names the size limit; "remove" makes sense only when there is a file."""

    def describe_file(self, current_file=None):
        self.upload.description = _(
            "A PDF, an image (PNG, JPEG, GIF, WebP) or an office document (Word, Excel, PowerPoint, "
            "OpenDocument), at most %(limit)s MB.", limit=megabytes(max_bytes()))
        if current_file is not None:
            self.upload.label.text = _("Replace the file")
        else:
            del self.remove_file
        self.current_file = current_file

    @property
    def wants_file_removed(self):
        return "remove_file" in self._fields and bool(self.remove_file.data)


class TrainingItemForm(FileFormMixin, Form):
    title = title_field()
    description = description_field(_l("What the ambassador should read, watch or do. You can use Markdown: "
                                       "**bold**, lists, [links](https://…)."))
    link_url = link_field()
    upload = file_field()
    remove_file = BooleanField(_l("Remove the attached file"))

    def __init__(self, *args, current_file=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.describe_file(current_file)

    def values(self):
        return {"title": self.title.data, "description": self.description.data or "", "link_url": self.link_url.data}
