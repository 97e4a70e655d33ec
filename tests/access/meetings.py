from tests.access import AMBASSADORS, EVERYONE

PAGES = {
    "/meetings/": EVERYONE,
    "/meetings/calendar.ics": EVERYONE,
    "/meetings/new": AMBASSADORS,
    "/meetings/venues": AMBASSADORS,
}
