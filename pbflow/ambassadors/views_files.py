"""Downloads of uploaded files, each checked against what the file belongs to."""

from flask import Blueprint, abort, current_app
from flask_login import current_user

from pbflow.ambassadors import policy_files as policy
from pbflow.core import uploads
from pbflow.core.files import StoredFile
from pbflow.core.web.permissions import authorize, signed_in
from pbflow.extensions import db

bp = Blueprint("files", __name__, url_prefix="/files")


@bp.route("/<int:file_id>")
@signed_in
def download(file_id):
    stored = db.session.get(StoredFile, file_id)
    if stored is None:
        abort(404)
    authorize(policy.can_download(current_user, stored))
    try:
        return uploads.send_stored(stored)
    except FileNotFoundError:
        current_app.logger.error("stored file %s (%s) is missing from the upload folder", stored.id, stored.stored_name)
        abort(404)
