"""Budget alerts (once per threshold and budget amount) and money budgets priced by the rate card."""

from tests.api.notifications.helpers import set_preference
from tests.api.projects.budget_helpers import (
    HOUR,
    budget_alerts,
    budget_emails,
    budget_project,
    log,
    progress,
    settle,
)
from tests.api.projects.helpers import add_member, create_project, update_project


def test_admins_are_alerted_once_at_80_and_once_at_100_percent(owner, admin):
    # GIVEN a project with a 10-hour budget and the default thresholds
    project = budget_project(owner)
    # WHEN 8 hours are logged, then 1 more
    log(owner, project["id"], 8)
    log(owner, project["id"], 1, day=2)
    # THEN the owner and the admin were alerted once, at 80%
    assert [alert["data"]["threshold"] for alert in budget_alerts(owner, project["id"])] == [80]
    assert [alert["data"]["threshold"] for alert in budget_alerts(admin, project["id"])] == [80]
    # WHEN the budget is used up, then exceeded
    log(owner, project["id"], 1, day=3)
    settle()
    log(owner, project["id"], 2, day=4)
    # THEN each got one more alert, at 100%, and no other
    alerts = budget_alerts(admin, project["id"])
    assert [alert["data"]["threshold"] for alert in alerts] == [80, 100]
    assert alerts[-1]["title"] == "Website Redesign reached 100% of its budget"
    assert alerts[-1]["message"] == "10.00 h of 10.00 h used (100.0%)."


def test_the_alert_is_also_emailed(owner, admin):
    # GIVEN a project with a 10-hour budget
    project = budget_project(owner)
    # WHEN 8 hours are logged
    log(owner, project["id"], 8)
    budget_alerts(admin, project["id"])
    # THEN the admin got one email about it
    emails = budget_emails(admin)
    assert [email["Subject"] for email in emails] == ["Website Redesign reached 80% of its budget"]


def test_crossing_two_thresholds_at_once_sends_one_alert_for_the_higher(owner):
    # GIVEN a project with a 10-hour budget
    project = budget_project(owner)
    # WHEN 12 hours are logged in one entry, then another hour
    log(owner, project["id"], 12)
    log(owner, project["id"], 1, day=2)
    # THEN one alert names 100% (and 80% is not sent afterwards)
    alerts = budget_alerts(owner, project["id"])
    assert [(alert["data"]["threshold"], alert["data"]["thresholds"]) for alert in alerts] == [(100, [80, 100])]


def test_raising_the_budget_rearms_the_thresholds_no_longer_crossed(owner):
    # GIVEN an alert at 80% of a 10-hour budget (8.5 hours used)
    project = budget_project(owner)
    log(owner, project["id"], 8.5)
    assert len(budget_alerts(owner, project["id"])) == 1
    # WHEN the budget is raised to 20 hours (42.5% used) and 8 more hours are logged (82.5%)
    raised = update_project(owner, project["id"], budget_amount=20 * HOUR)
    assert raised.status_code == 200, raised.json_body
    assert [alert["data"]["threshold"] for alert in budget_alerts(owner, project["id"])] == [80]
    log(owner, project["id"], 8, day=2)
    # THEN the 80% alert is sent again, for the new amount
    alerts = budget_alerts(owner, project["id"])
    assert [(alert["data"]["threshold"], alert["data"]["budget_amount"]) for alert in alerts] == [
        (80, 10 * HOUR),
        (80, 20 * HOUR),
    ]


def test_raising_the_budget_keeps_a_threshold_still_crossed_quiet(owner):
    # GIVEN an alert at 80% of a 10-hour budget (9 hours used)
    project = budget_project(owner)
    log(owner, project["id"], 9)
    assert len(budget_alerts(owner, project["id"])) == 1
    # WHEN the budget is raised to 11 hours (82% used) and half an hour more is logged
    update_project(owner, project["id"], budget_amount=11 * HOUR)
    log(owner, project["id"], 0.5, day=2)
    # THEN no second 80% alert is sent
    assert len(budget_alerts(owner, project["id"])) == 1


def test_lowering_the_budget_below_the_usage_alerts(owner):
    # GIVEN 5 hours used of a 10-hour budget (no alert yet)
    project = budget_project(owner)
    log(owner, project["id"], 5)
    assert budget_alerts(owner, project["id"]) == []
    # WHEN the budget is lowered to 6 hours (83% used)
    update_project(owner, project["id"], budget_amount=6 * HOUR)
    # THEN the 80% alert is sent
    assert [alert["data"]["threshold"] for alert in budget_alerts(owner, project["id"])] == [80]


def test_project_managers_are_alerted_and_other_members_are_not(owner, member, other_member):
    # GIVEN a budgeted project with a manager and a plain member
    project = budget_project(owner)
    add_member(owner, project["id"], member, role="manager")
    add_member(owner, project["id"], other_member, role="member")
    # WHEN the member logs 8 hours on it
    log(other_member, project["id"], 8)
    # THEN the manager is alerted, the member is not
    assert len(budget_alerts(member, project["id"])) == 1
    assert budget_alerts(other_member, project["id"]) == []


def test_an_admin_who_turned_budget_alert_emails_off_gets_them_in_the_app_only(owner, admin):
    # GIVEN an admin who turned off budget alert emails
    set_preference(admin, "budget_alert", email_enabled=False)
    project = budget_project(owner)
    # WHEN the budget reaches 80%
    log(owner, project["id"], 8)
    # THEN the admin sees the alert in the app and got no email; the owner got both
    assert len(budget_alerts(admin, project["id"])) == 1
    assert budget_emails(admin) == []
    assert len(budget_emails(owner)) == 1


def test_thresholds_can_be_chosen(owner):
    # GIVEN a 10-hour budget alerting at 50% and 150%
    project = budget_project(owner, budget_alert_thresholds=[50, 150])
    # WHEN 5 hours, then 6 more, then 4 more are logged
    for day, hours in enumerate([5, 6, 4], start=1):
        log(owner, project["id"], hours, day=day)
        settle()
    # THEN the alerts came at 50% and 150% only
    assert [alert["data"]["threshold"] for alert in budget_alerts(owner, project["id"])] == [50, 150]


def test_a_money_budget_counts_billable_time_at_the_rate_card_rate(owner):
    # GIVEN a $1,000 budget on a project billed at $100/h
    project = budget_project(owner, budget_type="money", budget_amount=100_000, hourly_rate=10_000)
    # WHEN 2 billable hours, 1 non-billable hour and 2 hours at an entry rate of $50/h are logged
    log(owner, project["id"], 2)
    log(owner, project["id"], 1, day=2, billable=False)
    log(owner, project["id"], 2, day=3, hourly_rate=5_000)
    # THEN $300 of the budget is used
    assert progress(owner, project["id"]) == {"unit": "cents", "used": 30_000, "remaining": 70_000, "percent": 30.0}


def test_a_money_budget_uses_the_members_rate_when_the_project_has_none(owner, member):
    # GIVEN a member billed at $80/h and a $1,000 budget on a project without a rate
    changed = owner.api.put(f"/api/v1/members/{member.member_id}", json={"hourly_rate": 8_000})
    assert changed.status_code == 200, changed.json_body
    project = budget_project(owner, budget_type="money", budget_amount=100_000)
    # WHEN the member logs 10 hours
    log(member, project["id"], 10)
    # THEN $800 is used and the 80% alert goes out
    assert progress(owner, project["id"])["used"] == 80_000
    assert [alert["data"]["threshold"] for alert in budget_alerts(owner, project["id"])] == [80]


def test_deleting_an_entry_takes_back_what_it_counted_even_after_a_rate_change(owner):
    # GIVEN 2 hours counted at $100/h on a money budget
    project = budget_project(owner, budget_type="money", budget_amount=100_000, hourly_rate=10_000)
    entry = log(owner, project["id"], 2)
    assert progress(owner, project["id"])["used"] == 20_000
    # WHEN the project's rate doubles and the entry is deleted
    update_project(owner, project["id"], hourly_rate=20_000)
    assert owner.api.delete(f"/api/v1/entries/{entry['id']}").status_code == 204
    # THEN nothing is used any more
    assert progress(owner, project["id"])["used"] == 0


def test_making_an_entry_non_billable_lowers_a_money_budget(owner):
    # GIVEN 3 billable hours at $100/h
    project = budget_project(owner, budget_type="money", budget_amount=100_000, hourly_rate=10_000)
    entry = log(owner, project["id"], 3)
    # WHEN the entry becomes non-billable
    assert owner.api.patch(f"/api/v1/entries/{entry['id']}", json={"billable": False}).status_code == 200
    # THEN it no longer counts against the money budget, but still against the hours
    assert progress(owner, project["id"])["used"] == 0
    switched = update_project(owner, project["id"], budget_type="hours", budget_amount=10 * HOUR)
    assert switched.json_body["budget_progress"]["used"] == 3 * HOUR


def test_time_on_a_project_without_a_budget_alerts_no_one(owner):
    # GIVEN a project without a budget
    project = create_project(owner)
    # WHEN 14 hours are logged
    log(owner, project["id"], 14)
    # THEN no budget alert is sent
    assert budget_alerts(owner, project["id"]) == []


def test_an_empty_threshold_list_sends_no_alerts(owner):
    # GIVEN a 10-hour budget with no thresholds
    project = budget_project(owner, budget_alert_thresholds=[])
    # WHEN 12 hours are logged
    log(owner, project["id"], 12)
    # THEN the budget shows 120% and no one is alerted
    assert progress(owner, project["id"])["percent"] == 120.0
    assert budget_alerts(owner, project["id"]) == []
