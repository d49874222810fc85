"""Listing projects: paging, status/archived, search and client filters (TRCR + TrackingTabs `GET /projects`)."""

from tests.api.projects import helpers
from tests.api.projects.helpers import create_client, create_project, listed_ids, update_project


def _archive(owner, project):
    assert update_project(owner, project["id"], status="archived").status_code == 200


def test_list_shows_the_orgs_projects_oldest_first_in_the_list_shape(owner):
    # GIVEN two projects
    first, second = create_project(owner, name="First"), create_project(owner, name="Second")
    # WHEN the owner lists projects
    response = owner.api.get("/api/v1/projects")
    # THEN both are there, oldest first, with the paging fields
    assert response.status_code == 200
    body = response.json_body
    assert helpers.ids(body["data"]) == [first["id"], second["id"]]
    assert (body["has_more"], body["next_cursor"], body["page"], body["per_page"]) == (False, None, 1, 25)


def test_list_does_not_show_another_orgs_projects(owner, outsider):
    # GIVEN a project in another organization
    create_project(outsider, name="Theirs")
    # WHEN the owner lists projects
    # THEN there are none
    assert listed_ids(owner) == []


def test_page_and_per_page_select_a_page(owner):
    # GIVEN three projects
    projects = [create_project(owner, name=f"P{n}") for n in range(3)]
    # WHEN the owner asks for the second page of two
    response = owner.api.get("/api/v1/projects?page=2&per_page=2")
    # THEN only the third project is there
    assert response.status_code == 200
    assert helpers.ids(response.json_body["data"]) == [projects[2]["id"]]
    assert (response.json_body["page"], response.json_body["per_page"]) == (2, 2)


def test_a_full_page_says_there_is_more_and_gives_a_cursor(owner):
    # GIVEN three projects
    for n in range(3):
        create_project(owner, name=f"P{n}")
    # WHEN the owner asks for a page of two
    body = owner.api.get("/api/v1/projects?per_page=2").json_body
    # THEN two come back, with has_more and a cursor
    assert len(body["data"]) == 2
    assert body["has_more"] is True and body["next_cursor"]


def test_following_next_cursor_visits_every_project_once(owner):
    # GIVEN five projects
    created = [create_project(owner, name=f"P{n}")["id"] for n in range(5)]
    # WHEN the owner follows next_cursor two at a time
    seen, cursor = [], None
    for _ in range(5):
        query = "?per_page=2" + (f"&cursor={cursor}" if cursor else "")
        body = owner.api.get(f"/api/v1/projects{query}").json_body
        seen += helpers.ids(body["data"])
        cursor = body["next_cursor"]
        if not cursor:
            break
    # THEN every project came exactly once, in order, and the walk ended
    assert seen == created
    assert cursor is None


def test_a_cursor_from_another_org_is_400(owner, outsider):
    # GIVEN a cursor from another org's project list
    for n in range(2):
        create_project(outsider, name=f"P{n}")
    cursor = outsider.api.get("/api/v1/projects?per_page=1").json_body["next_cursor"]
    assert cursor
    # WHEN the owner uses it
    response = owner.api.get(f"/api/v1/projects?per_page=1&cursor={cursor}")
    # THEN it is refused
    helpers.field_error(response, "cursor")


def test_a_forged_cursor_is_400(owner):
    # WHEN the owner sends a cursor the API never issued
    response = owner.api.get("/api/v1/projects?cursor=eyJQSyI6IngifQ.AAAA")
    # THEN it is refused
    helpers.field_error(response, "cursor")


def test_per_page_over_the_maximum_is_400(owner):
    # WHEN the owner asks for more than 100 per page
    response = owner.api.get("/api/v1/projects?per_page=101")
    # THEN it is refused rather than answered unbounded
    helpers.field_error(response, "per_page")


def test_archived_projects_are_hidden_by_default(owner):
    # GIVEN an active and an archived project
    active, archived = create_project(owner, name="Active"), create_project(owner, name="Old")
    _archive(owner, archived)
    # WHEN the owner lists projects without filters
    # THEN only the active one is there
    assert listed_ids(owner) == [active["id"]]


def test_archived_true_includes_archived_projects(owner):
    # GIVEN an active and an archived project
    active, archived = create_project(owner, name="Active"), create_project(owner, name="Old")
    _archive(owner, archived)
    # WHEN the owner lists with archived=true
    # THEN both are there
    assert listed_ids(owner, "?archived=true") == [active["id"], archived["id"]]


def test_status_archived_shows_only_archived_projects(owner):
    # GIVEN an active and an archived project
    create_project(owner, name="Active")
    archived = create_project(owner, name="Old")
    _archive(owner, archived)
    # WHEN the owner filters by status=archived
    # THEN only the archived one is there
    assert listed_ids(owner, "?status=archived") == [archived["id"]]


def test_status_active_shows_only_active_projects(owner):
    # GIVEN an active and an archived project
    active = create_project(owner, name="Active")
    _archive(owner, create_project(owner, name="Old"))
    # WHEN the owner filters by status=active, even asking for archived ones too
    # THEN only the active one is there
    assert listed_ids(owner, "?status=active&archived=true") == [active["id"]]


def test_an_unknown_status_filter_is_400(owner):
    # WHEN the owner filters by a status that does not exist
    response = owner.api.get("/api/v1/projects?status=deleted")
    # THEN it is refused
    helpers.field_error(response, "status")


def test_search_matches_part_of_the_name_ignoring_case(owner):
    # GIVEN projects with different names
    redesign = create_project(owner, name="Website Redesign")
    create_project(owner, name="Mobile App")
    # WHEN the owner searches for part of one name in another case
    # THEN only that project is found
    assert listed_ids(owner, "?search=SITE%20re") == [redesign["id"]]


def test_search_finds_a_renamed_project_by_its_new_name(owner):
    # GIVEN a project renamed after creation
    project = create_project(owner, name="Draft")
    assert update_project(owner, project["id"], name="Billing Portal").status_code == 200
    # WHEN the owner searches by the new name
    # THEN it is found
    assert listed_ids(owner, "?search=portal") == [project["id"]]


def test_client_id_filter_keeps_only_that_clients_projects(owner):
    # GIVEN projects for two clients and one without a client
    acme, globex = create_client(owner, "Acme"), create_client(owner, "Globex")
    for_acme = create_project(owner, name="A", client_id=acme["id"])
    create_project(owner, name="G", client_id=globex["id"])
    create_project(owner, name="Internal")
    # WHEN the owner filters by Acme
    # THEN only Acme's project is there
    assert listed_ids(owner, f"?client_id={acme['id']}") == [for_acme["id"]]


def test_a_member_lists_unrestricted_projects(owner, member):
    # GIVEN a project with no explicit members
    project = create_project(owner)
    # WHEN a plain member lists projects
    # THEN they see it
    assert listed_ids(member) == [project["id"]]
