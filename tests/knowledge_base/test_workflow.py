"""The "review before publishing" workflow: editors write and submit, reviewers approve and so publish."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from wagtail.models import Page, Workflow
from wagtail.test.utils.form_data import nested_form_data, querydict_from_html, rich_text, streamfield

from knowledge_base.models import LessonPage

pytestmark = pytest.mark.django_db

EDITORS = "Redacteuren"
REVIEWERS = "Reviewers"


@pytest.fixture
def editor(make_user: Any) -> Any:
    user = make_user("Eva Redacteur", email="eva@example.test")
    user.groups.add(Group.objects.get(name=EDITORS))
    return user


@pytest.fixture
def reviewer(make_user: Any) -> Any:
    user = make_user("Rob Reviewer", email="rob@example.test")
    user.groups.add(Group.objects.get(name=REVIEWERS))
    return user


def _edit_data(client: Any, page: Any) -> Any:
    response = client.get(reverse("wagtailadmin_pages:edit", args=[page.pk]))
    assert response.status_code == 200
    data = querydict_from_html(response.content.decode(), form_id="page-edit-form")
    hoe = nested_form_data(
        {"hoe": streamfield([("paragraph", rich_text("<p>Plan drie sessies met alle partners.</p>"))])}
    )
    for key, value in hoe.items():
        data[key] = value
    return data


def test_migration_sets_up_groups_and_workflow(kb_tree: Any) -> None:
    assert Group.objects.filter(name__in=[EDITORS, REVIEWERS]).count() == 2
    workflow = Workflow.objects.get(name="Review voor publicatie")
    assert workflow.active
    tasks = [t.specific for t in workflow.tasks]
    assert [list(t.groups.values_list("name", flat=True)) for t in tasks] == [[REVIEWERS]]
    assert kb_tree.home.get_workflow() == workflow
    assert Page.get_first_root_node().get_workflow() == workflow


def test_editor_cannot_publish_but_reviewer_can(make_lesson: Any, editor: Any, reviewer: Any) -> None:
    lesson = make_lesson(publish=False)
    assert lesson.permissions_for_user(editor).can_edit()
    assert not lesson.permissions_for_user(editor).can_publish()
    assert lesson.permissions_for_user(reviewer).can_publish()


def test_editor_submits_and_reviewer_approval_publishes(
    make_lesson: Any, editor: Any, reviewer: Any, client: Any
) -> None:
    lesson = make_lesson("Ontwerp de community samen", publish=False)
    client.force_login(editor)

    # An editor's "publish" is not honoured: at most a draft is saved.
    data = _edit_data(client, lesson)
    data["action-publish"] = "publish"
    client.post(reverse("wagtailadmin_pages:edit", args=[lesson.pk]), data)
    lesson.refresh_from_db()
    assert not lesson.live

    data = _edit_data(client, lesson)
    data["action-submit"] = "submit"
    response = client.post(reverse("wagtailadmin_pages:edit", args=[lesson.pk]), data)
    assert response.status_code == 302
    lesson.refresh_from_db()
    assert not lesson.live
    state = lesson.current_workflow_state
    assert state is not None and state.status == "in_progress"
    assert client.get(lesson.url).status_code == 404  # still invisible while in review

    # The editor cannot approve their own submission.
    task_state = lesson.current_workflow_task_state
    assert "approve" not in [name for name, _label, _modal in task_state.task.specific.get_actions(lesson, editor)]

    client.force_login(reviewer)
    url = reverse("wagtailadmin_pages:workflow_action", args=[lesson.pk, "approve", task_state.pk])
    response = client.post(url, {"comment": "Helder, akkoord."})
    assert response.status_code in (200, 302)
    lesson.refresh_from_db()
    assert lesson.live
    client.logout()
    assert client.get(lesson.url).status_code == 200


def test_submitting_an_incomplete_lesson_is_refused(make_lesson: Any, editor: Any, client: Any) -> None:
    lesson = make_lesson("Nog niet af", publish=False, complete=False, source=False)
    client.force_login(editor)
    data = _edit_data(client, lesson)
    for key in list(data):
        if key.startswith("hoe-"):
            del data[key]
    data["hoe-count"] = "0"
    data["action-submit"] = "submit"
    response = client.post(reverse("wagtailadmin_pages:edit", args=[lesson.pk]), data)
    assert response.status_code == 200  # the form comes back with errors
    lesson.refresh_from_db()
    assert lesson.current_workflow_state is None
    body = response.content.decode()
    assert "source" in body or "bron" in body

    # Saving it as a draft is fine.
    data.pop("action-submit")
    response = client.post(reverse("wagtailadmin_pages:edit", args=[lesson.pk]), data)
    assert response.status_code == 302
    assert LessonPage.objects.get(pk=lesson.pk).revisions.count() >= 2


def test_scheduled_publishing_waits_for_go_live(make_lesson: Any) -> None:
    import datetime

    from django.core.management import call_command
    from django.utils import timezone

    lesson = make_lesson("Neem de tijd", publish=False)
    lesson.go_live_at = timezone.now() + datetime.timedelta(hours=1)
    revision = lesson.save_revision()
    revision.publish()
    lesson.refresh_from_db()
    assert not lesson.live
    assert revision.approved_go_live_at is not None
    # An hour later: move the schedule into the past instead of waiting.
    past = timezone.now() - datetime.timedelta(minutes=1)
    revision.refresh_from_db()
    revision.approved_go_live_at = past
    revision.content["go_live_at"] = past.isoformat()
    revision.save()
    call_command("publish_scheduled")
    lesson.refresh_from_db()
    assert lesson.live


def test_reviewer_approves_from_the_edit_form(make_lesson: Any, editor: Any, reviewer: Any, client: Any) -> None:
    """The approve button in the admin's footer posts the whole edit form with the workflow action."""
    lesson = make_lesson("Maak de waaromvraag samen", publish=False)
    edit_url = reverse("wagtailadmin_pages:edit", args=[lesson.pk])
    client.force_login(editor)
    data = _edit_data(client, lesson)
    data["action-submit"] = "submit"
    assert client.post(edit_url, data).status_code == 302

    client.force_login(reviewer)
    data = _edit_data(client, lesson)
    data["action-workflow-action"] = "true"
    data["workflow-action-name"] = "approve"
    response = client.post(edit_url, data)
    assert response.status_code == 302, response.context and response.context["errors_debug"]
    lesson.refresh_from_db()
    assert lesson.live


def test_an_autosave_in_flight_cannot_overwrite_the_submitted_lesson(
    make_lesson: Any, editor: Any, reviewer: Any, client: Any, monkeypatch: Any
) -> None:
    """Regression: Wagtail's autosave posted a snapshot of the edit form taken while the editor had just
    added an (still empty) Hoe paragraph; the editor clicked "submit for review" while that request was in
    flight. The autosave passed Wagtail's out-of-date check before the submission was saved and then stored
    a newer draft revision with the empty paragraph, so the reviewer's approve (which posts the edit form of
    the latest revision) failed with validation errors and the lesson stayed a draft.
    """
    from django.test import Client
    from wagtail.admin.views.pages.edit import EditView

    lesson = make_lesson("Laat studenten meedraaien", publish=False)
    edit_url = reverse("wagtailadmin_pages:edit", args=[lesson.pk])
    client.force_login(editor)
    autosave = _edit_data(client, lesson)  # the form as loaded, like the browser's own copy
    autosave["hoe-0-value"] = "null"  # Draftail had not yet written the paragraph's text to its input
    submit = _edit_data(client, lesson)
    submit["action-submit"] = "submit"
    assert autosave["loaded_revision_id"] == submit["loaded_revision_id"]

    submitter = Client()
    submitter.force_login(editor)
    original_form_valid = EditView.form_valid
    overlapped: list[int] = []

    def submit_while_autosave_is_in_flight(view: Any, form: Any) -> Any:
        if view.expects_json_response and not overlapped:
            # The autosave has passed Wagtail's out-of-date check; now the submission lands first.
            overlapped.append(submitter.post(edit_url, submit).status_code)
        return original_form_valid(view, form)

    monkeypatch.setattr(EditView, "form_valid", submit_while_autosave_is_in_flight)
    response = client.post(edit_url, autosave, HTTP_ACCEPT="application/json")
    assert overlapped == [302]
    assert response.json()["success"] is False
    assert response.json()["error_code"] == "invalid_revision"

    lesson = LessonPage.objects.get(pk=lesson.pk)
    latest = lesson.get_latest_revision_as_object()
    assert len(latest.hoe) == 1 and latest.hoe[0].value.source  # the submitted text, not the empty paragraph
    assert lesson.current_workflow_state is not None
    assert lesson.current_workflow_state.current_task_state.revision_id == lesson.latest_revision_id

    client.force_login(reviewer)
    data = _edit_data(client, lesson)
    data["action-workflow-action"] = "true"
    data["workflow-action-name"] = "approve"
    response = client.post(edit_url, data)
    assert response.status_code == 302
    lesson.refresh_from_db()
    assert lesson.live


@pytest.mark.parametrize("field", ["hoe", "waarom"])
def test_an_empty_editor_does_not_pass_for_text_on_submit(
    make_lesson: Any, editor: Any, client: Any, field: str
) -> None:
    """Regression: an editor whose text Draftail had not yet stored posts an empty paragraph
    (``<p data-block-key="…"></p>``). Wagtail's required check let the submission through; the reviewer's
    approve then posted the same paragraph as empty and failed, leaving the lesson a draft. The submit
    itself must be refused, where the editor can fix it.
    """
    lesson = make_lesson("Leer op de bouwplaats", publish=False)
    client.force_login(editor)
    data = _edit_data(client, lesson)
    empty = '{"blocks": [{"key": "k1", "text": "", "type": "unstyled", "depth": 0, "inlineStyleRanges": [], "entityRanges": []}], "entityMap": {}}'
    data["hoe-0-value" if field == "hoe" else field] = empty
    data["action-submit"] = "submit"
    response = client.post(reverse("wagtailadmin_pages:edit", args=[lesson.pk]), data)
    assert response.status_code == 200  # the form comes back with errors
    assert field in response.context["errors_debug"]
    lesson.refresh_from_db()
    assert lesson.current_workflow_state is None

    # As a draft it may be saved.
    data.pop("action-submit")
    assert client.post(reverse("wagtailadmin_pages:edit", args=[lesson.pk]), data).status_code == 302
    draft = LessonPage.objects.get(pk=lesson.pk).get_latest_revision_as_object()
    assert draft.publish_problems()


def test_approved_lesson_with_a_go_live_moment_waits_for_publish_scheduled(
    make_lesson: Any, editor: Any, reviewer: Any, client: Any
) -> None:
    """The documented schedule (docs/operations.md): approval stores a scheduled revision, and
    ``manage.py publish_scheduled`` publishes it once its moment has passed."""
    import datetime

    from django.core.management import call_command
    from django.utils import timezone

    lesson = make_lesson("Plan de start na de zomer", publish=False)
    edit_url = reverse("wagtailadmin_pages:edit", args=[lesson.pk])
    client.force_login(editor)
    data = _edit_data(client, lesson)
    go_live = timezone.localtime(timezone.now() + datetime.timedelta(days=2)).replace(second=0, microsecond=0)
    data["go_live_at"] = go_live.strftime("%Y-%m-%d %H:%M")
    data["action-submit"] = "submit"
    assert client.post(edit_url, data).status_code == 302

    client.force_login(reviewer)
    task_state = LessonPage.objects.get(pk=lesson.pk).current_workflow_task_state
    url = reverse("wagtailadmin_pages:workflow_action", args=[lesson.pk, "approve", task_state.pk])
    assert client.post(url, {"comment": ""}).status_code in (200, 302)
    lesson = LessonPage.objects.get(pk=lesson.pk)
    assert not lesson.live
    scheduled = lesson.scheduled_revision
    assert scheduled is not None and scheduled.approved_go_live_at == go_live

    call_command("publish_scheduled")  # too early: nothing happens
    assert not LessonPage.objects.get(pk=lesson.pk).live

    # Two days later: move the schedule into the past instead of waiting.
    past = timezone.now() - datetime.timedelta(minutes=1)
    scheduled.approved_go_live_at = past
    scheduled.content["go_live_at"] = past.isoformat()
    scheduled.save()
    call_command("publish_scheduled")
    lesson = LessonPage.objects.get(pk=lesson.pk)
    assert lesson.live and lesson.scheduled_revision is None
    client.logout()
    assert client.get(lesson.url).status_code == 200
