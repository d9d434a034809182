"""Terms of several words: every case and joiner, singular and plural, both ways round.

`work_item -> ticket` (several old words, one new) and `job -> build_step` (one
old word, several new) as tables of (text, expected); `None` means the text is
left as it is.
"""

from __future__ import annotations

import pytest

from termshift.casing import Casing, Style, render, style_of_words
from termshift.vocabulary import MatchKind, Term, Vocabulary

WORK_ITEM = Vocabulary([Term("work_item", "ticket")])
BUILD_STEP = Vocabulary([Term("job", "build_step")])
BOTH_MULTI = Vocabulary([Term("work_item", "build_step")])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # identifiers: snake, camel, Pascal, SCREAMING; singular and plural of the last word
        ("work_item", "ticket"),
        ("work_items", "tickets"),
        ("workItem", "ticket"),
        ("workItems", "tickets"),
        ("WorkItem", "Ticket"),
        ("WorkItems", "Tickets"),
        ("WORK_ITEM", "TICKET"),
        ("WORK_ITEMS", "TICKETS"),
        ("new_work_item", "new_ticket"),
        ("getWorkItemById", "getTicketById"),
        ("WorkItemStore", "TicketStore"),
        ("_work_item_id", "_ticket_id"),
        ("MAX_OPEN_WORK_ITEMS", "MAX_OPEN_TICKETS"),
        ("HTTPWorkItem", "HTTPTicket"),
        ("work_item2", "ticket2"),
        # module and package file names
        ("work_items.py", "tickets.py"),
        ("tracker/work_item_store/__init__.py", "tracker/ticket_store/__init__.py"),
        # storage keys, routes, event types, payload keys
        ("work_item:{id}", "ticket:{id}"),
        ("work_items:open", "tickets:open"),
        ("/work-items/<work_item_id>", "/tickets/<ticket_id>"),
        ("/api/work-item/{id}", "/api/ticket/{id}"),
        ("work_item.filed", "ticket.filed"),
        ("workItemId", "ticketId"),
        ("X-Work-Item-Id", "X-Ticket-Id"),
        # prose
        ("file a work item", "file a ticket"),
        ("two work items are open", "two tickets are open"),
        ("Work items are kept in Redis", "Tickets are kept in Redis"),
        ("Work Items", "Tickets"),
        # several in one text
        ("work_item_to_work_items", "ticket_to_tickets"),
        ("workItem, WorkItems and WORK_ITEM", "ticket, Tickets and TICKET"),
    ],
)
def test_several_old_words_become_one(text, expected):
    assert WORK_ITEM.rewrite(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("job", "build_step"),
        ("jobs", "build_steps"),
        ("Job", "BuildStep"),
        ("Jobs", "BuildSteps"),
        ("JOB", "BUILD_STEP"),
        ("JOBS", "BUILD_STEPS"),
        ("submit_job", "submit_build_step"),
        ("submitJob", "submitBuildStep"),
        ("jobId", "buildStepId"),
        ("jobs_by_id", "build_steps_by_id"),
        ("JobService", "BuildStepService"),
        ("HTTPJob", "HTTPBuildStep"),
        ("JOB_ID", "BUILD_STEP_ID"),
        ("MAX_JOBS", "MAX_BUILD_STEPS"),
        ("v2_job", "v2_build_step"),
        # a word alone takes `_`; between others, their joiner
        ("job:{id}", "build_step:{id}"),
        ("jobs:pending", "build_steps:pending"),
        ("/jobs/{id}", "/build_steps/{id}"),
        ("/submit-job", "/submit-build-step"),
        ("/run-next-job", "/run-next-build-step"),
        ("job_submitted", "build_step_submitted"),
        ("job.completed", "build_step.completed"),
        ("X-Job-Id", "X-Build-Step-Id"),
        ("JOB-ID", "BUILD-STEP-ID"),
        # prose: spaces between the words; sentence case, a name, Title Case
        ("the job failed", "the build step failed"),
        ("Jobs are queued", "Build steps are queued"),
        ("the Job class", "the BuildStep class"),
        ("Submit Job", "Submit Build Step"),
        ("job", "build_step"),
    ],
)
def test_one_old_word_becomes_several(text, expected):
    assert BUILD_STEP.rewrite(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("work_item", "build_step"),
        ("workItems", "buildSteps"),
        ("WorkItem", "BuildStep"),
        ("WORK_ITEMS", "BUILD_STEPS"),
        ("work-item", "build-step"),
        ("work items", "build steps"),
        ("Work item", "Build step"),
        ("Work Items", "Build Steps"),
        ("get_work_item", "get_build_step"),
    ],
)
def test_several_words_keep_their_joiner_and_case(text, expected):
    assert BOTH_MULTI.rewrite(text) == expected


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("workitem", MatchKind.GLUED),  # glued: the words are no longer told apart
        ("WORKITEM", MatchKind.GLUED),
        ("Workitems", MatchKind.GLUED),
        ("homework_item", MatchKind.GLUED),  # contains the term without being it
        ("rework_item", MatchKind.GLUED),
        ("work_itemize", MatchKind.GLUED),
        ("WORKItem", MatchKind.ODD),  # odd case shapes: reported, renamed by hand
        ("work_Item", MatchKind.ODD),
        ("Work_ITEM", MatchKind.ODD),
        ("wOrk_item", MatchKind.ODD),
        ("wOrkItem", MatchKind.ODD),
    ],
)
def test_glued_and_odd_spellings_are_reported_not_rewritten(text, kind):
    assert [match.kind for match in WORK_ITEM.scan(text)] == [kind]
    assert WORK_ITEM.rewrite(text) is None


@pytest.mark.parametrize(
    "text",
    ["work", "item", "work__item", "work_-item", "work  item", "work\nitem", "work/item", "work.item", "work:item",
     "item_work", "network_id", "working_items"],
)
def test_words_that_do_not_spell_the_term_are_no_match(text):
    assert WORK_ITEM.rewrite(text) is None
    assert not [match for match in WORK_ITEM.scan(text) if match.kind is MatchKind.TERM]


def test_the_longest_term_wins_and_the_shorter_still_matches_alone():
    vocab = Vocabulary([Term("item", "entry"), Term("work_item", "ticket"), Term("item_type", "kind")])
    assert vocab.rewrite("work_item") == "ticket"
    assert vocab.rewrite("item") == "entry"
    assert vocab.rewrite("item_type") == "kind"
    assert vocab.rewrite("work_item_type") == "ticket_type"  # leftmost first
    assert vocab.rewrite("xwork_item_type") == "xwork_kind"  # `work` glued: `item_type` is the term there


def test_scan_offsets_span_the_whole_term():
    matches = WORK_ITEM.scan("load(workItemId, 'work items')")
    assert [(m.start, m.end, m.word, m.replacement) for m in matches] == [
        (5, 13, "workItem", "ticket"), (18, 28, "work items", "tickets")]


def test_plural_forms_of_several_words():
    assert Term("work_item", "build_step") == Term("work_item", "build_step", "work_items", "build_steps")
    assert Term("work-item", "build step") == Term("work_item", "build_step")
    vocab = Vocabulary([Term("work_child", "ticket", old_plural="work_children")])
    assert vocab.rewrite("WorkChildren") == "Tickets"
    assert vocab.rewrite("work_childs") is None


def test_an_irregular_plural_is_found_though_it_does_not_hold_the_singular():
    vocab = Vocabulary([Term("person", "user", old_plural="people"), Term("work_child", "ticket",
                                                                          old_plural="work_people")])
    assert vocab.rewrite("people_count") == "users_count"
    assert vocab.rewrite("WorkPeople") == "Tickets"
    assert vocab.mentions("PEOPLE") and any(needle == b"people" for needle in vocab.needles)


def test_stems_and_needles_cover_every_joiner():
    """The byte pre-filter and `mentions` must see every spelling of a term."""
    for text in ("work_item", "work-item", "workItem", "WORK ITEM", "workitem"):
        assert WORK_ITEM.mentions(text), text
        assert any(needle in text.lower().encode() for needle in WORK_ITEM.needles), text
    assert not WORK_ITEM.mentions("work on items")
    assert set(BUILD_STEP.new_forms) >= {"build_step", "buildstep", "build-step", "build step", "build_steps"}


def test_doubled_new_words():
    assert BUILD_STEP.doubled("build_step_build_step")
    assert BUILD_STEP.doubled("BuildStepsBuildStep")
    assert not BUILD_STEP.doubled("step_build_step")
    assert not BUILD_STEP.doubled("build_step_id")
    assert Vocabulary().doubled("TwoStepStep")


@pytest.mark.parametrize(
    ("words", "joiner", "style"),
    [
        (["work", "Item"], "", Style(Casing.CAMEL, "")),
        (["Work", "Item"], "", Style(Casing.TITLE, "")),
        (["work", "item"], "_", Style(Casing.LOWER, "_")),
        (["WORK", "ITEM"], "-", Style(Casing.UPPER, "-")),
        (["Work", "item"], " ", Style(Casing.SENTENCE, " ")),
        (["Work", "Item"], " ", Style(Casing.TITLE, " ")),
        (["WORK", "Item"], "", None),
        (["work", "ITEM"], "_", None),
    ],
)
def test_style_of_words(words, joiner, style):
    assert style_of_words(words, joiner) == style


@pytest.mark.parametrize(
    ("style", "expected"),
    [
        (Style(Casing.CAMEL, ""), "buildStep"),
        (Style(Casing.TITLE, ""), "BuildStep"),
        (Style(Casing.UPPER, "_"), "BUILD_STEP"),
        (Style(Casing.SENTENCE, " "), "Build step"),
        (Style(Casing.LOWER, "-"), "build-step"),
    ],
)
def test_render(style, expected):
    assert render(("build", "step"), style) == expected
    assert render(("ticket",), style) == {Casing.CAMEL: "ticket", Casing.LOWER: "ticket", Casing.UPPER: "TICKET"}.get(
        style.casing, "Ticket")
