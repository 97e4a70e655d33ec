"""Similar proposals: the section of the proposal page (who sees it, what it lists) and the services
behind it (Polish inflection and letters, districts, live proposals only, fixed query counts)."""

import pytest

from pbflow.accounts.services import load_user_by_login_token
from pbflow.extensions import db
from pbflow.feedback import similar
from pbflow.proposals.models import Proposal

PLAYGROUND = "Plac zabaw przy Zielonej"


def publish(app, *proposals):
    with app.app_context():
        db.session.execute(db.update(Proposal).where(Proposal.id.in_([p.id for p in proposals]))
                           .values(is_public=True))
        db.session.commit()


def loaded(proposal_id):
    return db.session.get(Proposal, proposal_id)


@pytest.fixture
def edition(make_edition):
    return make_edition(open_stage="workshops")


def titles(matches):
    return [m.title for m in matches]


# --- the services ---------------------------------------------------------------------

def test_inflection_and_polish_letters_match(app, edition, make_proposal, people):
    mine = make_proposal(edition, title="Nowy plac zabaw i ławki na skwerze", summary="")
    inflected = make_proposal(edition, title="Doposażenie placu zabaw, nowe ławki", summary="")
    folded = make_proposal(edition, title="Lawki i plac zabaw dla dzieci", summary="")  # typed without ł
    other = make_proposal(edition, title="Oświetlenie przejścia dla pieszych", summary="")
    with app.test_request_context():
        found = similar.similar_to(loaded(mine.id), viewer=db.session.merge(people["coordinator"]))
    assert set(titles(found)) == {inflected.title, folded.title}
    assert other.title not in titles(found)
    by_title = {m.title: m for m in found}
    assert set(by_title[inflected.title].shared) == {"placu", "zabaw", "ławki"}
    assert set(by_title[folded.title].shared) == {"lawki", "plac", "zabaw"}
    assert all(0 < m.score <= 1 for m in found)


def test_stems_survive_inflection():
    assert similar.stem("placu") == similar.stem("plac") == "plac"
    assert similar.stem("chodnikow") == similar.stem("chodnika") == similar.stem("chodniki")
    assert similar.stem("ksiazek") == similar.stem("ksiazki")
    assert similar.stem("parkingu") != similar.stem("park")
    assert [root for _w, root in similar.words_and_stems("Żłobek na ul. Łąkowej")] == ["zlobk", "lakow"]


def test_other_districts_withdrawn_and_merged_proposals_are_left_out(app, edition, make_proposal, districts,
                                                                     people):
    mine = make_proposal(edition, title=PLAYGROUND)
    same = make_proposal(edition, title="Placu zabaw przy Zielonej potrzeba huśtawek")
    elsewhere = make_proposal(edition, title="Plac zabaw przy Zielonej", district=districts[1])
    withdrawn = make_proposal(edition, title="Plac zabaw przy Zielonej 2", status="withdrawn")
    merged = make_proposal(edition, title="Plac zabaw przy Zielonej 3", status="merged")
    with app.test_request_context():
        found = similar.similar_to(loaded(mine.id), viewer=db.session.merge(people["coordinator"]))
    assert [m.proposal_id for m in found] == [same.id]
    assert found[0].district_label == "I Stare Miasto"
    assert not {elsewhere.id, withdrawn.id, merged.id} & {m.proposal_id for m in found}


def test_city_wide_proposals(app, edition, make_proposal, people):
    district = make_proposal(edition, title="Toaleta publiczna w parku", summary="")
    close = make_proposal(edition, title="Toalety publiczne w parkach", scope="citywide", summary="")
    weak = make_proposal(edition, title="Toalety przy szkołach i basenach miejskich", scope="citywide", summary="")
    other_citywide = make_proposal(edition, title="Publiczna toaleta w każdym parku", scope="citywide", summary="")
    with app.test_request_context():
        coordinator = db.session.merge(people["coordinator"])
        for_district = similar.similar_to(loaded(district.id), viewer=coordinator)
        for_citywide = similar.similar_to(loaded(close.id), viewer=coordinator)
    # A district proposal sees a city-wide one only when it is very close.
    assert close.id in [m.proposal_id for m in for_district]
    assert weak.id not in [m.proposal_id for m in for_district]
    # A city-wide one sees city-wide ones (from the usual threshold), never district ones.
    assert [m.proposal_id for m in for_citywide] == [other_citywide.id, weak.id]
    assert district.id not in [m.proposal_id for m in for_citywide]
    assert for_citywide[0].district_label is None


def test_a_city_wide_proposal_that_names_a_district_is_still_city_wide(app, edition, make_proposal, districts,
                                                                       people):
    district = make_proposal(edition, title="Toaleta publiczna w parku", summary="")
    citywide = make_proposal(edition, title="Toaleta w parku publicznym", scope="citywide", summary="")
    with app.app_context():
        db.session.execute(db.update(Proposal).where(Proposal.id == citywide.id)
                           .values(district_id=districts[0].id))
        db.session.commit()
    with app.test_request_context():
        found = similar.similar_to(loaded(district.id), viewer=db.session.merge(people["coordinator"]))
    assert [(m.proposal_id, m.district_label) for m in found] == [(citywide.id, None)]


def test_viewer_sees_only_what_they_may_open(app, edition, make_proposal, make_unit, make_expert, make_routing,
                                            people):
    author = people["resident"]
    mine = make_proposal(edition, author=author, title=PLAYGROUND)
    public = make_proposal(edition, title="Plac zabaw przy Zielonej dla maluchów")
    hidden = make_proposal(edition, title="Nowy plac zabaw przy Zielonej")
    routed = make_proposal(edition, title="Plac zabaw przy Zielonej z piaskownicą")
    publish(app, public)
    unit = make_unit()
    expert = make_expert(unit)
    make_routing(routed, unit)
    with app.test_request_context():
        proposal = loaded(mine.id)
        as_author = similar.similar_to(proposal, viewer=db.session.merge(author))
        as_expert = similar.similar_to(proposal, viewer=db.session.merge(expert))
        as_coordinator = similar.similar_to(proposal, viewer=db.session.merge(people["coordinator"]))
        as_nobody = similar.similar_to(proposal)
    assert {m.proposal_id for m in as_author} == {public.id}
    assert {m.proposal_id for m in as_expert} == {public.id, routed.id}
    assert {m.proposal_id for m in as_coordinator} == {public.id, hidden.id, routed.id}
    assert {m.proposal_id for m in as_nobody} == {public.id}


def test_similar_among_runs_one_query_whatever_the_rows(app, edition, make_proposal, districts, people,
                                                        count_queries):
    kinds = ["Plac zabaw przy szkole", "Remont chodnika przy ulicy", "Siłownia pod chmurką w parku",
             "Wybieg dla psów w parku", "Nowe książki dla biblioteki"]
    made = []
    for n in range(25):
        district = districts[n % 3]
        made.append(make_proposal(edition, title=f"{kinds[n % 5]} nr {n}", district=district, summary=""))
    citywide = make_proposal(edition, title="Plac zabaw przy szkole", scope="citywide", summary="")
    counts = {}
    with app.test_request_context():
        # as each request loads the signed-in person: with their roles
        coordinator = load_user_by_login_token(people["coordinator"].login_token)
        for size in (3, 25):
            rows = [loaded(p.id) for p in made[:size]]
            with count_queries() as statements:
                found = similar.similar_among(rows, viewer=coordinator)
            counts[size] = len(statements)
            assert set(found) == {p.id for p in rows}
        first = found[made[0].id]
    assert counts[3] == counts[25] == 1
    # Row 0 is a playground in district 0: its matches are the playground of the same district (n = 15)
    # and the city-wide one, as close as can be.
    assert [m.proposal_id for m in first] == [made[15].id, citywide.id]


def test_similar_among_without_a_viewer_lists_only_public_proposals(app, edition, make_proposal):
    one = make_proposal(edition, title="Remont chodnika na Długiej")
    two = make_proposal(edition, title="Remont chodników przy Długiej")
    three = make_proposal(edition, title="Chodnik na Długiej do remontu")
    publish(app, three)
    with app.test_request_context():
        found = similar.similar_among([loaded(one.id), loaded(two.id)])
    assert [m.proposal_id for m in found[one.id]] == [three.id]
    assert [m.proposal_id for m in found[two.id]] == [three.id]


# --- the section of the proposal page ---------------------------------------------------

@pytest.fixture
def pair(app, edition, make_proposal, people):
    """A proposal of the resident and a similar one by someone else (not public)."""
    mine = make_proposal(edition, author=people["resident"], title=PLAYGROUND)
    theirs = make_proposal(edition, title="Placu zabaw przy Zielonej brakuje")
    return mine, theirs


def test_coordinator_sees_the_section_with_a_merge_link(client, login, english, pair, people):
    mine, theirs = pair
    login(client, people["coordinator"])
    page = client.get(f"/proposals/{mine.id}").get_data(as_text=True)
    assert "Similar proposals" in page
    assert theirs.title in page
    assert f'href="/proposals/{theirs.id}"' in page
    assert "Words in common:" in page and "placu, zabaw, zielonej" in page
    assert f"/proposals/{mine.id}/actions/merge?q={theirs.id}" in page
    assert "merge this one into the other" in page
    merge_form = client.get(f"/proposals/{mine.id}/actions/merge?q={theirs.id}").get_data(as_text=True)
    assert f'id="into-{theirs.id}" value="{theirs.id}"' in merge_form  # the merge form offers that proposal


def test_author_sees_public_similar_proposals_and_a_workshop_hint(app, client, login, english, pair, people,
                                                                  edition, make_proposal):
    mine, theirs = pair
    public = make_proposal(edition, title="Plac zabaw przy Zielonej dla maluchów")
    publish(app, public)
    login(client, people["resident"])
    page = client.get(f"/proposals/{mine.id}").get_data(as_text=True)
    assert "Similar proposals" in page
    assert public.title in page
    assert theirs.title not in page  # not public, and not theirs to see
    assert "meet at an expert workshop" in page
    assert "/actions/merge?q=" not in page


def test_routed_expert_sees_the_section(client, login, english, pair, make_unit, make_expert, make_routing):
    mine, theirs = pair
    unit = make_unit()
    expert = make_expert(unit)
    make_routing(mine, unit)
    make_routing(theirs, unit)
    login(client, expert)
    page = client.get(f"/proposals/{mine.id}").get_data(as_text=True)
    assert "Similar proposals" in page and theirs.title in page
    assert "/actions/merge?q=" not in page


def test_other_people_do_not_see_the_section(app, client, login, english, pair, make_user, people):
    mine, theirs = pair
    publish(app, mine, theirs)
    assert "Similar proposals" not in client.get(f"/proposals/{mine.id}").get_data(as_text=True)
    login(client, make_user())
    page = client.get(f"/proposals/{mine.id}").get_data(as_text=True)
    assert "Similar proposals" not in page
    login(client, people["expert"])  # an expert of no unit it was routed to
    assert "Similar proposals" not in client.get(f"/proposals/{mine.id}").get_data(as_text=True)


def test_no_section_for_a_closed_proposal_or_without_matches(app, client, login, english, edition,
                                                             make_proposal, people):
    withdrawn = make_proposal(edition, title=PLAYGROUND, status="withdrawn")
    make_proposal(edition, title="Placu zabaw przy Zielonej brakuje")
    alone = make_proposal(edition, title="Koncert kolęd w kościele")
    login(client, people["coordinator"])
    assert "Similar proposals" not in client.get(f"/proposals/{withdrawn.id}").get_data(as_text=True)
    assert "Similar proposals" not in client.get(f"/proposals/{alone.id}").get_data(as_text=True)


def test_the_section_runs_the_same_queries_for_few_and_many_matches(app, edition, make_proposal, people,
                                                                    count_queries):
    few = make_proposal(edition, title=PLAYGROUND)
    make_proposal(edition, title="Plac zabaw przy Zielonej 1")
    counts = {}
    with app.test_request_context():
        for label, extra in (("few", 0), ("many", 12)):
            for n in range(extra):
                make_proposal(edition, title=f"Placu zabaw przy Zielonej potrzeba {n}")
            user = db.session.merge(people["coordinator"])
            db.session.rollback()  # a fresh transaction sees the new proposals
            proposal = db.session.get(Proposal, few.id)
            similar.similar_section(user, proposal)  # loads the person and roles, as the request has them
            with count_queries() as statements:
                section = similar.similar_section(user, proposal)
            counts[label] = len(statements)
            assert len(section["matches"]) == (1 if label == "few" else 5)
    assert counts["few"] == counts["many"] <= 3


def test_html_in_a_title_is_escaped(app, client, login, english, edition, make_proposal, people):
    mine = make_proposal(edition, title=PLAYGROUND)
    make_proposal(edition, title="Plac zabaw przy Zielonej <script>alert(1)</script>")
    login(client, people["coordinator"])
    page = client.get(f"/proposals/{mine.id}").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;" in page
