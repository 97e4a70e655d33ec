"""The support list: the residents who back a proposal (the edition sets how many are needed).

The authors type the names in (each person agreed to their name being processed) or attach the signed
paper list, scanned, with the number of signatures. Names are personal data: only the authors and
coordinators see them, audit events never hold them, and `forget_ended_editions` deletes them (and the
scans with their files) once the edition's last date has passed.
"""

import unicodedata
from datetime import date

import click
from flask.cli import with_appcontext
from flask_babel import gettext as _
from sqlalchemy import bindparam, delete, func, select

from pbflow.core import audit, clock, uploads
from pbflow.core.files import StoredFile
from pbflow.editions.models import Edition
from pbflow.extensions import db
from pbflow.marathons import policy
from pbflow.marathons.models import SUPPORTER_NAME_MAX, Supporter, SupportListScan
from pbflow.proposals.models import Proposal

PAGE_SIZE = 50
NAMES_AT_ONCE = 200  # lines in one go
SUPPORTERS_MAX = 2000  # names typed in for one proposal
SCANS_MAX = 20  # scanned pages or files for one proposal
SIGNATURES_MAX = 1000  # on one scan, as the authors declare
SCAN_TYPES = frozenset({"pdf", "jpeg", "png"})


class SupportersError(Exception):
    """A rule said no; the message is shown. `status` is the HTTP status."""

    status = 422


class NotAllowed(SupportersError):
    status = 403


# --- reading -----------------------------------------------------------------------------

# Built once (the proposal page reads it for the checklist and again for "mark as ready"): building a statement
# cost more than running this one.
_BACKING = select(
    select(func.count()).where(Supporter.proposal_id == bindparam("proposal"), Supporter.consent.is_(True))
    .scalar_subquery(),
    select(func.coalesce(func.sum(SupportListScan.signatures), 0)).where(
        SupportListScan.proposal_id == bindparam("proposal"), SupportListScan.consent.is_(True)).scalar_subquery())


def backing(proposal):
    """How many residents back the proposal: names typed in plus signatures on scans, with consent (one query)."""
    typed, signed = db.session.execute(_BACKING, {"proposal": proposal.id}).one()
    return int(typed) + int(signed)


def page(proposal, after_id=None, size=PAGE_SIZE):
    """Names in the order they were added, a keyset page: (rows, id to continue after, or None)."""
    query = select(Supporter).where(Supporter.proposal_id == proposal.id)
    if after_id is not None:
        query = query.where(Supporter.id > after_id)
    rows = db.session.scalars(query.order_by(Supporter.id).limit(size + 1)).all()
    return rows[:size], (rows[size - 1].id if len(rows) > size else None)


def scans(proposal):
    """The scanned lists with their files (at most SCANS_MAX), oldest first."""
    return db.session.execute(
        select(SupportListScan, StoredFile).join(StoredFile, StoredFile.id == SupportListScan.file_id)
        .where(SupportListScan.proposal_id == proposal.id).order_by(SupportListScan.id)).all()


def scan_of(proposal, scan_id):
    return db.session.scalar(select(SupportListScan).where(
        SupportListScan.id == scan_id, SupportListScan.proposal_id == proposal.id))


# --- names -------------------------------------------------------------------------------

def name_problem(name):
    """Why a name cannot be kept, or None."""
    if len(name) > SUPPORTER_NAME_MAX:
        return _("“%(start)s…” is too long: a name may have at most %(max)d characters.",
                 start=name[:20], max=SUPPORTER_NAME_MAX)
    if "<" in name or ">" in name or any(unicodedata.category(ch)[0] == "C" for ch in name):
        return _("“%(name)s” is not a name: leave out the signs < and >.", name=name[:40])
    if not any(ch.isalpha() for ch in name):
        return _("“%(name)s” is not a name: a name has letters.", name=name[:40])
    return None


def parse_names(text):
    """One name a line; blank lines left out, spaces tidied."""
    return [" ".join(line.split()) for line in (text or "").splitlines() if line.strip()]


def _check_change(actor, proposal):
    if not policy.can_change_supporters(actor, proposal):
        raise NotAllowed(_("Only the authors can change the support list, while the proposal is open."))


def add_names(actor, proposal, text, consent):
    """Add the names typed in, one a line; every person must have agreed. Returns how many were added."""
    _check_change(actor, proposal)
    names = parse_names(text)
    if not names:
        raise SupportersError(_("Type at least one name."))
    if not consent:
        raise SupportersError(_("Confirm that every person on the list agreed to their name being processed. "
                                "Leave out those who did not."))
    if len(names) > NAMES_AT_ONCE:
        raise SupportersError(_("Add at most %(max)d names at once.", max=NAMES_AT_ONCE))
    problems = [problem for problem in map(name_problem, names) if problem]
    if problems:
        raise SupportersError(" ".join(problems[:5]))
    kept = db.session.scalar(select(func.count()).where(Supporter.proposal_id == proposal.id))
    if kept + len(names) > SUPPORTERS_MAX:
        raise SupportersError(_("A proposal can list at most %(max)d names.", max=SUPPORTERS_MAX))
    db.session.add_all(Supporter(proposal_id=proposal.id, name=name, consent=True, added_by_id=actor.id)
                       for name in names)
    db.session.flush()
    audit.record(actor, "supporters.added", proposal, count=len(names))  # never the names
    return len(names)


def remove_supporter(actor, proposal, supporter_id):
    _check_change(actor, proposal)
    supporter = db.session.scalar(select(Supporter).where(
        Supporter.id == supporter_id, Supporter.proposal_id == proposal.id))
    if supporter is None:
        raise SupportersError(_("This name is not on the list any more."))
    db.session.delete(supporter)
    db.session.flush()
    audit.record(actor, "supporters.removed", proposal, supporter_id=supporter_id)


# --- scanned lists -----------------------------------------------------------------------

def add_scan(actor, proposal, file_storage, signatures, consent):
    """Keep a scanned, signed list (PDF, JPEG or PNG) with the number of signatures on it."""
    _check_change(actor, proposal)
    if file_storage is None or not file_storage.filename:
        raise SupportersError(_("Choose the file with the scanned list."))
    if isinstance(signatures, bool) or not isinstance(signatures, int) or not 1 <= signatures <= SIGNATURES_MAX:
        raise SupportersError(_("Enter the number of signatures on the list, from 1 to %(max)d.", max=SIGNATURES_MAX))
    if not consent:
        raise SupportersError(_("Confirm that everyone who signed agreed to their name being processed."))
    if db.session.scalar(select(func.count()).where(SupportListScan.proposal_id == proposal.id)) >= SCANS_MAX:
        raise SupportersError(_("A proposal can have at most %(max)d scanned lists.", max=SCANS_MAX))
    try:
        _data, file_type = uploads.inspect_upload(file_storage)
        if file_type.key not in SCAN_TYPES:
            raise uploads.UploadRefused(_("Send the scan as a PDF, JPEG or PNG file."))
        stored = uploads.save_upload(file_storage, actor)
    except uploads.UploadRefused as refused:
        raise SupportersError(str(refused)) from refused
    scan = SupportListScan(proposal_id=proposal.id, file_id=stored.id, signatures=signatures, consent=True,
                           added_by_id=actor.id)
    db.session.add(scan)
    db.session.flush()
    audit.record(actor, "supporters.scan_added", proposal, scan_id=scan.id, signatures=signatures)
    return scan


def remove_scan(actor, proposal, scan_id):
    """Delete a scan and its file's record; returns the stored names to delete from disk after the commit."""
    _check_change(actor, proposal)
    scan = scan_of(proposal, scan_id)
    if scan is None:
        raise SupportersError(_("This scanned list is not here any more."))
    stored = db.session.get(StoredFile, scan.file_id)
    db.session.delete(scan)
    db.session.flush()
    names = []
    if stored is not None:
        names.append(stored.stored_name)
        db.session.delete(stored)
    audit.record(actor, "supporters.scan_removed", proposal, scan_id=scan_id)
    db.session.flush()
    return names


def delete_files(stored_names):
    """Remove the files of deleted records from the upload folder (call after the commit)."""
    for name in stored_names:
        if uploads.STORED_NAME.match(name or ""):  # anything else is nothing of ours on disk
            (uploads.upload_folder() / name).unlink(missing_ok=True)


# --- forgetting after the edition ----------------------------------------------------------

def last_day(edition):
    """The edition's last date: the marathons' close or the submission deadline, the later."""
    return max(edition.marathons_close, edition.submission_deadline)


def forget_ended_editions(today: date | None = None):
    """Delete supporters and scans of editions whose last date has passed: (stored names to unlink after
    the commit, names deleted, scans deleted). Safe to run twice: the second run finds nothing."""
    today = today or clock.today()
    ended = [e for e in db.session.scalars(select(Edition)) if last_day(e) < today]
    files, names_deleted, scans_deleted = [], 0, 0
    for edition in ended:
        proposals = select(Proposal.id).where(Proposal.edition_id == edition.id)
        names = db.session.execute(delete(Supporter).where(Supporter.proposal_id.in_(proposals))).rowcount
        found = db.session.execute(select(SupportListScan.id, StoredFile).join(
            StoredFile, StoredFile.id == SupportListScan.file_id).where(
            SupportListScan.proposal_id.in_(proposals))).all()
        if found:
            db.session.execute(delete(SupportListScan).where(SupportListScan.id.in_([row[0] for row in found])))
            db.session.execute(delete(StoredFile).where(StoredFile.id.in_([row[1].id for row in found])))
            files += [row[1].stored_name for row in found]
        if names or found:
            audit.record(None, "supporters.forgotten", edition, names=names, scans=len(found))
        names_deleted, scans_deleted = names_deleted + names, scans_deleted + len(found)
    return files, names_deleted, scans_deleted


@click.command("forget-supporters")
@with_appcontext
def forget_supporters():
    """Delete the supporters and scanned lists of editions that have ended (cron, e.g. daily); safe to run twice."""
    files, names, scanned = forget_ended_editions()
    db.session.commit()
    delete_files(files)
    click.echo(f"Deleted {names} supporters' names and {scanned} scanned lists.")
