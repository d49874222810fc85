"""Provider signatures and payloads as Stint reads them."""

import json

import pytest

from chalicelib.core.errors import ValidationFailed
from chalicelib.git import providers

TASK = "tsk_01JD5ZQ8V3K2M4N6P8R0S2T4V6"
OTHER = "tsk_01JD5ZQ8V3K2M4N6P8R0S2T4V7"


def test_github_signature_matches_the_documented_vector():
    # GIVEN GitHub's documented example secret and body
    secret, body = "It's a Secret to Everybody", b"Hello, World!"
    # WHEN Stint signs the body
    signature = providers.github_signature(secret, body)
    # THEN it is the signature GitHub documents, and it verifies
    assert signature == "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"
    assert providers.github_signature_matches(secret, body, signature)


@pytest.mark.parametrize(
    "header",
    [
        None,
        "",
        "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e18",
        "sha1=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17",
        "757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17",
    ],
)
def test_github_signature_refuses_missing_or_altered_headers(header):
    assert not providers.github_signature_matches("It's a Secret to Everybody", b"Hello, World!", header)


def test_github_signature_refuses_a_changed_body():
    signature = providers.github_signature("It's a Secret to Everybody", b"Hello, World!")
    assert not providers.github_signature_matches("It's a Secret to Everybody", b"Hello, World?", signature)


def test_gitlab_token_is_the_secret_itself():
    assert providers.gitlab_token_matches("a-long-gitlab-secret", "a-long-gitlab-secret")
    assert not providers.gitlab_token_matches("a-long-gitlab-secret", "a-long-gitlab-secreT")
    assert not providers.gitlab_token_matches("a-long-gitlab-secret", None)


def test_mentions_are_found_in_any_case_and_returned_canonical():
    # GIVEN a message naming one task twice (once lower-cased, as in a branch name) and another once
    text = f"Work on {TASK.lower()} and {OTHER}; see {TASK}"
    # THEN each task is mentioned once, first mention first, with the id as Stint writes it
    assert providers.mentioned_tasks(text) == [TASK, OTHER]


def test_ids_glued_to_other_words_are_not_mentions():
    assert providers.mentioned_tasks(f"x{TASK} {TASK}9 feature_{TASK}") == []
    assert providers.mentioned_tasks(f"feature/{TASK}-login") == [TASK]


def test_closing_phrases_name_the_tasks_they_close():
    text = f"Fixes {TASK}\n\nAlso touches {OTHER}. closes: {OTHER}"
    assert providers.closed_tasks(text) == [TASK, OTHER]
    assert providers.closed_tasks(f"Related to {TASK}") == []


def test_at_most_ten_tasks_are_taken_from_one_text():
    many = " ".join(f"tsk_01JD5ZQ8V3K2M4N6P8R0S2T4{n:02d}" for n in range(10, 30))
    assert len(providers.mentioned_tasks(many)) == 10


def test_github_push_becomes_one_push_event_with_its_commits():
    payload = {
        "ref": "refs/heads/main",
        "sender": {"login": "octocat"},
        "commits": [
            {
                "id": "A" * 40,
                "message": f"Fix login {TASK}",
                "url": "https://github.com/acme/app/commit/" + "a" * 40,
                "author": {"name": "Mona", "email": "m@example.com", "username": "mona"},
            },
            {"id": "not a sha", "message": "ignored"},
        ],
    }
    [event] = providers.normalize("github", "push", payload)
    assert event["type"] == "push" and event["branch"] == "main" and event["sender"] == "octocat"
    assert event["commits"] == [
        {
            "sha": "a" * 40,
            "message": f"Fix login {TASK}",
            "author": "Mona",
            "url": "https://github.com/acme/app/commit/" + "a" * 40,
            "timestamp": None,
        }
    ]


def test_github_tag_pushes_and_deleted_branches_carry_nothing():
    assert providers.normalize("github", "push", {"ref": "refs/tags/v1", "commits": []}) == []
    assert providers.normalize("github", "push", {"ref": "refs/heads/x", "deleted": True}) == []


def test_github_create_of_a_branch_is_branch_created_and_of_a_tag_is_ignored():
    [event] = providers.normalize("github", "create", {"ref": f"feature/{TASK}", "ref_type": "branch"})
    assert event == {"type": "branch_created", "branch": f"feature/{TASK}", "sender": None}
    assert providers.normalize("github", "create", {"ref": "v1", "ref_type": "tag"}) == []


def test_github_closed_and_merged_pull_request_is_merged():
    payload = {
        "action": "closed",
        "number": 7,
        "pull_request": {"number": 7, "merged": True, "title": "T", "body": None, "user": {"login": "mona"}},
    }
    [event] = providers.normalize("github", "pull_request", payload)
    assert (event["action"], event["merged"], event["number"], event["body"]) == ("merged", True, 7, "")


def test_gitlab_push_of_a_new_branch_is_also_branch_created():
    payload = {"ref": "refs/heads/feature", "before": "0" * 40, "after": "b" * 40, "user_username": "jo", "commits": []}
    events = providers.normalize("gitlab", "Push Hook", payload)
    assert [event["type"] for event in events] == ["branch_created", "push"]


def test_gitlab_merged_merge_request_is_a_merged_pull_request():
    payload = {
        "user": {"username": "jo"},
        "object_attributes": {"iid": 3, "action": "merge", "state": "merged", "title": "T", "description": "D"},
    }
    [event] = providers.normalize("gitlab", "Merge Request Hook", payload)
    assert (event["type"], event["action"], event["merged"], event["number"]) == ("pull_request", "merged", True, 3)


def test_unknown_events_carry_nothing():
    assert providers.normalize("github", "issues", {"action": "opened"}) == []
    assert providers.normalize("gitlab", "Pipeline Hook", {}) == []


def test_form_encoded_github_payloads_are_read():
    body = b"payload=" + json.dumps({"zen": "hi"}).replace(" ", "+").encode()
    assert providers.parse_body(body, "application/x-www-form-urlencoded") == {"zen": "hi"}


@pytest.mark.parametrize("body", [b"not json", b"[1, 2]", b"\xff\xfe"])
def test_bodies_that_are_not_a_json_object_are_refused(body):
    with pytest.raises(ValidationFailed):
        providers.parse_body(body, "application/json")


def test_huge_pushes_are_trimmed_to_fit_a_job_message():
    # GIVEN a push whose commit messages alone are far over the budget (non-ASCII text grows sixfold in JSON)
    commits = [{"id": f"{n:040x}", "message": "é" * 1000} for n in range(100)]
    [event] = providers.normalize("github", "push", {"ref": "refs/heads/main", "commits": commits})
    # WHEN it is fitted
    [fitted] = providers.fit([event], budget=200_000)
    # THEN it fits, keeping the earliest commits
    assert len(json.dumps([fitted])) <= 200_000
    assert 0 < len(fitted["commits"]) < 100 and fitted["commits"][0]["sha"] == f"{0:040x}"
