"""Stage II: venues, residents' meetings, sign-ups, what a meeting records, online discussions."""

import enum
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pbflow.core.database import utcnow
from pbflow.core.models import IdMixin, TimestampMixin
from pbflow.extensions import db

IDEA_TITLE_MAX = 200  # an idea's title, whether recorded at a meeting or posted online
IDEA_TEXT_MAX = 5000


class MeetingFormat(enum.StrEnum):
    IN_PERSON = "in_person"
    ONLINE = "online"

    @property
    def title(self):
        return FORMAT_TITLES[self]


FORMAT_TITLES = {
    MeetingFormat.IN_PERSON: _l("In person"),
    MeetingFormat.ONLINE: _l("Online discussion"),
}


class MeetingStatus(enum.StrEnum):
    PLANNED = "planned"
    HELD = "held"
    CANCELLED = "cancelled"

    @property
    def title(self):
        return MEETING_STATUS_TITLES[self]

    @property
    def css_class(self):
        return f"status-meeting-{self.value}"


MEETING_STATUS_TITLES = {
    MeetingStatus.PLANNED: _l("Planned"),
    MeetingStatus.HELD: _l("Held"),
    MeetingStatus.CANCELLED: _l("Cancelled"),
}


class SignupStatus(enum.StrEnum):
    CONFIRMED = "confirmed"
    WAITING = "waiting"
    CANCELLED = "cancelled"

    @property
    def title(self):
        return SIGNUP_STATUS_TITLES[self]


SIGNUP_STATUS_TITLES = {
    SignupStatus.CONFIRMED: _l("Place confirmed"),
    SignupStatus.WAITING: _l("On the waiting list"),
    SignupStatus.CANCELLED: _l("Cancelled"),
}


class VenueKind(enum.StrEnum):
    ACTIVITY_CENTRE = "activity_centre"
    SCHOOL = "school"
    LIBRARY = "library"
    CULTURE_CENTRE = "culture_centre"
    COUNCIL = "council"
    OTHER = "other"

    @property
    def title(self):
        return VENUE_KIND_TITLES[self]


VENUE_KIND_TITLES = {
    VenueKind.ACTIVITY_CENTRE: _l("Local activity centre"),
    VenueKind.SCHOOL: _l("School"),
    VenueKind.LIBRARY: _l("Library"),
    VenueKind.CULTURE_CENTRE: _l("Culture centre"),
    VenueKind.COUNCIL: _l("District council office"),
    VenueKind.OTHER: _l("Other place"),
}


class Venue(IdMixin, db.Model):
    """A place meetings are held again and again: a local activity centre, a school, a library."""

    __tablename__ = "venues"

    name: Mapped[str] = mapped_column(String(200))
    name_key: Mapped[str] = mapped_column(String(200), unique=True)
    address: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(30), default=VenueKind.OTHER.value)
    district_id: Mapped[int | None] = mapped_column(ForeignKey("districts.id"), index=True)
    accessibility: Mapped[str] = mapped_column(String(500), default="")  # e.g. "lift, step-free entrance"
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    district = relationship("District", lazy="raise_on_sql")

    @property
    def kind_title(self):
        return VenueKind(self.kind).title

    def __repr__(self):
        return f"<Venue {self.name}>"


class Meeting(IdMixin, TimestampMixin, db.Model):
    """A residents' meeting (spotkanie mieszkańców) of one area, in person or as an online discussion.

    `confirmed_seats` is kept in step with the confirmed sign-ups by one conditional UPDATE per
    sign-up, so capacity holds exactly when many people sign up at the same moment.
    """

    __tablename__ = "meetings"

    edition_id: Mapped[int] = mapped_column(ForeignKey("editions.id"), index=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id"), index=True)
    district_id: Mapped[int] = mapped_column(ForeignKey("districts.id"))  # the area's, for filters
    organiser_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    format: Mapped[str] = mapped_column(String(20), default=MeetingFormat.IN_PERSON.value)
    venue_id: Mapped[int | None] = mapped_column(ForeignKey("venues.id"), index=True)
    room: Mapped[str] = mapped_column(String(200), default="")  # "sala 12, 1st floor"
    starts_at: Mapped[datetime]  # naive UTC
    ends_at: Mapped[datetime]
    capacity: Mapped[int]
    confirmed_seats: Mapped[int] = mapped_column(default=0)
    agenda: Mapped[str] = mapped_column(Text, default="")  # Markdown
    what_to_bring: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default=MeetingStatus.PLANNED.value)
    cancel_reason: Mapped[str] = mapped_column(Text, default="")
    minutes: Mapped[str] = mapped_column(Text, default="")  # Markdown
    walk_in_count: Mapped[int] = mapped_column(default=0)  # people who came and gave no name
    attendance: Mapped[int | None]  # frozen when marked held; monitoring counts this
    held_at: Mapped[datetime | None]

    edition = relationship("Edition", lazy="raise_on_sql")
    area = relationship("Area", lazy="raise_on_sql")
    district = relationship("District", lazy="raise_on_sql")
    organiser = relationship("User", lazy="raise_on_sql")
    venue = relationship(Venue, lazy="raise_on_sql")

    __table_args__ = (
        CheckConstraint("format IN ('in_person', 'online')", name="format_known"),
        CheckConstraint("status IN ('planned', 'held', 'cancelled')", name="status_known"),
        CheckConstraint("capacity > 0", name="capacity_positive"),
        CheckConstraint("confirmed_seats >= 0 AND confirmed_seats <= capacity", name="seats_within_capacity"),
        CheckConstraint("walk_in_count >= 0", name="walk_ins_not_negative"),
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        # The calendar: upcoming meetings of an edition in time order, optionally per district or area.
        Index("ix_meetings_edition_starts", "edition_id", "starts_at", "id"),
        Index("ix_meetings_district_starts", "district_id", "starts_at", "id"),
        Index("ix_meetings_area_starts", "area_id", "starts_at", "id"),
    )

    @property
    def state(self):
        return MeetingStatus(self.status)

    @property
    def format_value(self):
        return MeetingFormat(self.format)

    @property
    def is_online(self):
        return self.format == MeetingFormat.ONLINE.value

    @property
    def free_seats(self):
        return max(self.capacity - self.confirmed_seats, 0)

    def __repr__(self):
        return f"<Meeting {self.id} {self.title}>"


class MeetingSignup(IdMixin, db.Model):
    """A resident's place at a meeting (with a plus-one, two seats), or a place on its waiting list."""

    __tablename__ = "meeting_signups"

    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    seats: Mapped[int] = mapped_column(default=1)
    status: Mapped[str] = mapped_column(String(20), default=SignupStatus.CONFIRMED.value)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    confirmed_at: Mapped[datetime | None]
    cancelled_at: Mapped[datetime | None]
    attended: Mapped[bool] = mapped_column(default=False)
    reminded_at: Mapped[datetime | None]

    meeting = relationship(Meeting, lazy="raise_on_sql")
    user = relationship("User", lazy="raise_on_sql")

    __table_args__ = (
        CheckConstraint("seats IN (1, 2)", name="seats_one_or_two"),
        CheckConstraint("status IN ('confirmed', 'waiting', 'cancelled')", name="status_known"),
        # One live sign-up per person per meeting, whatever two requests race to do.
        Index("uq_meeting_signups_live", "meeting_id", "user_id", unique=True,
              sqlite_where=text("status != 'cancelled'"), postgresql_where=text("status != 'cancelled'")),
        Index("ix_meeting_signups_meeting_status", "meeting_id", "status", "created_at", "id"),
    )

    @property
    def state(self):
        return SignupStatus(self.status)


class WalkIn(IdMixin, db.Model):
    """Someone who came without signing up and gave a name."""

    __tablename__ = "meeting_walk_ins"

    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Need(IdMixin, db.Model):
    """A local need diagnosed at a meeting: a short item, in the order the ambassador gives them."""

    __tablename__ = "meeting_needs"

    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"))
    position: Mapped[int]
    text: Mapped[str] = mapped_column(String(300))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (Index("ix_meeting_needs_meeting_position", "meeting_id", "position"),)


class Idea(IdMixin, TimestampMixin, db.Model):
    """An idea raised at a meeting or posted in an online discussion; it may become a draft proposal."""

    __tablename__ = "meeting_ideas"

    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(IDEA_TITLE_MAX))
    description: Mapped[str] = mapped_column(Text, default="")  # Markdown, at most IDEA_TEXT_MAX
    raised_by_names: Mapped[str] = mapped_column(String(300), default="")  # people without an account
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    proposal_id: Mapped[int | None] = mapped_column(ForeignKey("proposals.id"), index=True)
    support_count: Mapped[int] = mapped_column(default=0)
    hidden_at: Mapped[datetime | None]
    hidden_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    hidden_reason: Mapped[str] = mapped_column(Text, default="")

    created_by = relationship("User", foreign_keys=[created_by_id], lazy="raise_on_sql")
    proposal = relationship("Proposal", lazy="raise_on_sql")
    raisers: Mapped[list["IdeaRaiser"]] = relationship(
        back_populates="idea", cascade="all, delete-orphan", lazy="raise_on_sql")

    __table_args__ = (
        CheckConstraint("support_count >= 0", name="support_not_negative"),
        Index("ix_meeting_ideas_meeting", "meeting_id", "id"),
    )


class IdeaRaiser(db.Model):
    """A signed-up person who raised an idea; they can be invited as co-authors of its draft."""

    __tablename__ = "meeting_idea_raisers"

    idea_id: Mapped[int] = mapped_column(ForeignKey("meeting_ideas.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True, index=True)

    idea: Mapped[Idea] = relationship(back_populates="raisers")
    user = relationship("User", lazy="raise_on_sql")


class IdeaSupport(db.Model):
    """One resident backs one idea of an online discussion, at most once."""

    __tablename__ = "meeting_idea_supports"

    idea_id: Mapped[int] = mapped_column(ForeignKey("meeting_ideas.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True, index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Comment(IdMixin, db.Model):
    """A post in an online discussion, on the discussion itself or on one idea, maybe a reply."""

    __tablename__ = "meeting_comments"

    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"))
    idea_id: Mapped[int | None] = mapped_column(ForeignKey("meeting_ideas.id", ondelete="CASCADE"), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("meeting_comments.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    body: Mapped[str] = mapped_column(Text)  # Markdown
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    hidden_at: Mapped[datetime | None]
    hidden_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    hidden_reason: Mapped[str] = mapped_column(Text, default="")

    author = relationship("User", foreign_keys=[author_id], lazy="raise_on_sql")

    __table_args__ = (Index("ix_meeting_comments_meeting_created", "meeting_id", "created_at", "id"),)


class MeetingChange(enum.StrEnum):
    """What the signed-up people are told about."""

    RESCHEDULED = "rescheduled"
    CHANGED = "changed"
    CANCELLED = "cancelled"


