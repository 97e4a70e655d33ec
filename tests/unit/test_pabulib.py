"""The Pabulib reader and writer: every shared Kraków file, every malformed case, and random files round-trip."""

import io
import string

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pbflow.past_results import pabulib
from tests.conftest import PABULIB as SHARED
from tests.conftest import PABULIB_MISSING

FILES = sorted(SHARED.glob("*.pb"))

VALID = """META
key;value
description;District PB in Kraków, Bieńczyce
country;Poland
unit;Kraków
district;Bieńczyce
instance;2018
num_projects;3
num_votes;2
budget;163100
vote_type;ordinal
rule;greedy
our_own_key;kept as it is
PROJECTS
project_id;cost;name;votes;selected;category;colour
6;80000;"Lawendowe Planty ""Bieńczyckie""; relaks";2;1;"green,culture";blue
5;50000.50;Zielone Bieńczyce;1;0;;red
2;80000;Monitoring;0;0;safety;
VOTES
voter_id;vote;age
E1;6,5;64
E2;6;
"""


def test_the_shared_kraków_files_are_all_there():
    assert len(FILES) == 95, PABULIB_MISSING


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_every_shared_file_reads_with_counts_matching_meta_and_round_trips(path):
    pb = pabulib.read(path)
    assert len(pb.projects) == int(pb.meta["num_projects"])
    assert len(pb.votes) == int(pb.meta["num_votes"])
    assert all(project.cost is not None for project in pb.projects)
    assert pabulib.reads(pabulib.writes(pb)) == pb


def test_reading_projects_only_stops_before_the_votes():
    big = max(FILES, key=lambda p: p.stat().st_size)
    stream = open(big, "rb")  # noqa: SIM115
    with pabulib.PbReader(stream) as reader:
        assert reader.projects and reader.has_votes
        assert stream.tell() < big.stat().st_size / 4  # the VOTES section was not read
        first = next(reader.votes())
        assert first.ballot
    stream.close()


def test_optional_columns_in_any_order_unknown_columns_and_meta_are_kept():
    pb = pabulib.reads(VALID)
    assert pb.meta["our_own_key"] == "kept as it is"
    first = pb.projects[0]
    assert first.name == 'Lawendowe Planty "Bieńczyckie"; relaks'
    assert first.fields["colour"] == "blue" and first.categories == ["green", "culture"]
    assert first.selected is True and pb.projects[1].selected is False
    assert str(pb.projects[1].cost) == "50000.50" and first.votes == 2
    assert pb.votes[0].ballot == ["6", "5"] and pb.votes[1].fields["age"] == ""
    assert pabulib.reads(pabulib.writes(pb)) == pb


def test_a_file_without_votes_is_read_when_meta_says_there_are_none():
    text = VALID.split("VOTES")[0].replace("num_votes;2", "num_votes;0")
    assert pabulib.reads(text).votes == []


def broken(old, new, count=1):
    assert old in VALID
    return VALID.replace(old, new, count)


MALFORMED = {
    "no META": ("META\n", "", "expected the META section", 1),
    "no PROJECTS section": ("PROJECTS\n", "", "is the PROJECTS line missing", 14),
    "no VOTES section": ("VOTES\nvoter_id;vote;age\nE1;6,5;64\nE2;6;\n", "", "VOTES section is missing", 18),
    "no cost column": ("project_id;cost;name", "project_id;price;name", "no cost column", 15),
    "no project_id column": ("project_id;cost;name", "id;cost;name", "no project_id column", 15),
    "no vote column": ("voter_id;vote;age", "voter_id;ballot;age", "no vote column", 20),
    "missing META key": ("budget;163100\n", "", "META has no budget", 13),
    "cost not a number": ("5;50000.50", "5;50 000 zł", "cost of project 5 is not a number", 17),
    "negative cost": ("5;50000.50", "5;-5", "cost of project 5 is negative", 17),
    "votes not a number": ("Monitoring;0", "Monitoring;many", "votes of project 2 is not a number", 18),
    "unknown project in a vote": ("E2;6;", "E2;7;", "unknown project 7", 22),
    "too few fields": ("2;80000;Monitoring;0;0;safety;", "2;80000;Monitoring", "3 fields; the header has 7", 18),
    "duplicate project": ("2;80000;Monitoring", "6;80000;Monitoring", "project 6 appears twice", 18),
    "num_projects wrong": ("num_projects;3", "num_projects;4", "num_projects is 4", 8),
    "num_votes wrong": ("num_votes;2", "num_votes;3", "num_votes is 3", 9),
    "unknown vote type": ("vote_type;ordinal", "vote_type;lottery", "vote_type 'lottery'", 11),
    "broken quoting": ('"Lawendowe Planty ""Bieńczyckie""; relaks"', '"Lawendowe "x" y', "broken quoting", 16),
    "a section twice": ("E2;6;\n", "E2;6;\nPROJECTS\n", "PROJECTS section comes after VOTES", 23),
    # Numbers that would overflow what is stored (grosze, votes, scores) are refused with their line.
    "a huge cost": ("5;50000.50", "5;1000000000001", "cost of project 5 is out of range", 17),
    "a cost in exponent notation": ("5;50000.50", "5;1e30", "cost of project 5 must be a plain number", 17),
    "an endless exponent": ("5;50000.50", "5;1e999999", "cost of project 5 must be a plain number", 17),
    "a huge vote count": ("Monitoring;0", "Monitoring;99999999999", "votes of project 2 is out of range", 18),
    "negative votes": ("Monitoring;0", "Monitoring;-1", "votes of project 2 is negative", 18),
    "votes in exponent notation": ("Bieńczyce;1;", "Bieńczyce;1e3;", "votes of project 5 must be a plain number", 17),
    "a huge budget": ("budget;163100", "budget;1e30", "META budget must be a plain number", 10),
    "a budget beyond any city's": ("budget;163100", "budget;10000000000000", "META budget is out of range", 10),
}


@pytest.mark.parametrize("case", MALFORMED, ids=list(MALFORMED))
def test_malformed_files_raise_one_clear_error_with_the_line(case):
    old, new, reason, line = MALFORMED[case]
    with pytest.raises(pabulib.PabulibError) as raised:
        pabulib.reads(broken(old, new), name="broken.pb")
    assert reason in str(raised.value)
    assert raised.value.line == line, str(raised.value)
    assert str(raised.value).startswith(f"broken.pb, line {line}: ")


def test_a_score_that_would_not_fit_is_refused_a_negative_one_is_kept():
    scored = broken("project_id;cost;name;votes;selected", "project_id;cost;name;score;selected")
    with pytest.raises(pabulib.PabulibError, match="score of project 5 is out of range") as raised:
        pabulib.reads(scored.replace("Bieńczyce;1;", "Bieńczyce;100000000001;"))
    assert raised.value.line == 17
    assert pabulib.reads(scored.replace("Bieńczyce;1;", "Bieńczyce;-2.5;")).projects[1].score == -2.5


def test_errors_carry_a_code_and_parameters_for_translation():
    with pytest.raises(pabulib.PabulibError) as raised:
        pabulib.reads(broken("5;50000.50", "5;1e30"), name="broken.pb")
    assert raised.value.code == "not_plain"
    assert raised.value.params == {"column": "cost", "project": "5", "value": "1e30"}
    assert raised.value.reason == "the cost of project 5 must be a plain number such as 1250.50: '1e30'"
    with pytest.raises(pabulib.PabulibError) as raised:
        pabulib.reads(VALID.split("VOTES")[0], name="no-votes.pb")
    assert (raised.value.code, raised.value.params, raised.value.line) == ("missing_section", {"section": "VOTES"}, 18)


def test_a_file_that_is_not_utf8_names_the_line():
    data = VALID.encode("utf-8").replace("Zielone Bieńczyce".encode(), "Zielone Bieńczyce".encode("cp1250"))
    with pytest.raises(pabulib.PabulibError, match="not UTF-8") as raised:
        pabulib.read(io.BytesIO(data), name="cp1250.pb")
    assert raised.value.line == 17


def test_an_empty_file_says_what_is_missing():
    with pytest.raises(pabulib.PabulibError, match="META section is missing"):
        pabulib.reads("")


# --- property: random valid files round-trip ---------------------------------------

text = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")) | st.sampled_from(
    ';"\n,ąęłńóśźżĄĘŁŃÓŚŹŻ'), max_size=30)
identifier = st.text(alphabet=string.ascii_letters + string.digits + "_-", min_size=1, max_size=8)
column = identifier.filter(lambda name: name not in ("project_id", "cost", "voter_id", "vote", "key", "value"))


@st.composite
def pb_files(draw):
    ids = draw(st.lists(identifier.filter(lambda i: "," not in i), min_size=1, max_size=8, unique=True))
    extra = draw(st.lists(column, max_size=3, unique=True))
    project_columns = draw(st.permutations(["project_id", "cost", *extra]))
    projects = [pabulib.Project({c: (pid if c == "project_id" else str(draw(st.integers(0, 10**9))) if c == "cost"
                                     else draw(text)) for c in project_columns}) for pid in ids]
    vote_extra = draw(st.lists(column, max_size=2, unique=True))
    vote_columns = draw(st.permutations(["voter_id", "vote", *vote_extra]))
    votes = [pabulib.Vote({c: (f"v{n}" if c == "voter_id" else ",".join(draw(st.lists(st.sampled_from(ids), max_size=4)))
                               if c == "vote" else draw(text)) for c in vote_columns})
             for n in range(draw(st.integers(0, 6)))]
    meta = {"description": draw(text), "country": "Poland", "unit": draw(text), "instance": "2020",
            "num_projects": str(len(projects)), "num_votes": str(len(votes)), "budget": "1000",
            "vote_type": draw(st.sampled_from(pabulib.VOTE_TYPES)), "rule": "greedy"}
    for key in draw(st.lists(column.filter(lambda k: k not in meta), max_size=3, unique=True)):
        meta[key] = draw(text)
    return pabulib.PbFile(meta, project_columns, projects, vote_columns, votes)


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(pb_files())
def test_any_valid_file_written_reads_back_the_same(pb):
    written = pabulib.writes(pb)
    assert pabulib.reads(written) == pb
    assert pabulib.read(io.BytesIO(written.encode("utf-8"))) == pb
