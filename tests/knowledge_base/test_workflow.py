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
