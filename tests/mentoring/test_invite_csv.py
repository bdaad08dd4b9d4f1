"""The coordinator invites a list of members from a CSV file: preview with per-row checks, then send."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from core.errors import Forbidden
from mentoring import services
from mentoring.models import Participation, ParticipationStatus, Programme
from notifications.models import Notification


@pytest.fixture
def setting(programme_factory: Callable[..., Any], make_user: Callable[..., Any]) -> dict[str, Any]:
    people = {name: make_user(name=name, email=f"{name.lower()}@example.test") for name in ("Ayla", "Bram", "Cor")}
    taking_part = make_user(name="Dewi", email="dewi@example.test")
    applied = make_user(name="Eef", email="eef@example.test")
    programme = programme_factory(members=(taking_part,))
    Participation.objects.create(programme=programme, user=applied, status=ParticipationStatus.APPLIED)
    return {"programme": programme, "coordinator": programme.coordinators.get(), **people, "Dewi": taking_part}


def _url(programme: Programme) -> str:
    return reverse("mentoring:invite_csv", args=[programme.slug])


def _upload(client: Client, programme: Programme, content: bytes | str, name: str = "leden.csv") -> Any:
    data = content.encode() if isinstance(content, str) else content
    return client.post(_url(programme), {"file": SimpleUploadedFile(name, data, content_type="text/csv")})


CSV = (
    "e-mailadres;naam\n"
    "ayla@example.test;Ayla\n"
    "BRAM@example.test;Bram B.\n"
    "geen-adres;Iemand\n"
    "ayla@example.test;Ayla dubbel\n"
    "dewi@example.test;Dewi\n"
    "onbekend@example.test\n"
    "eef@example.test;Eef\n"
    "\n"
)


def test_the_preview_checks_each_row_and_invites_no_one(setting: dict[str, Any], client: Client) -> None:
    programme = setting["programme"]
    client.force_login(setting["coordinator"])
    assert client.get(_url(programme)).status_code == 200
    response = _upload(client, programme, CSV)
    assert response.status_code == 200
    rows = {row.line: row for row in response.context["preview"]}
    assert [line for line, row in rows.items() if row.ok] == [2, 3, 8]
    assert rows[3].member == setting["Bram"]  # case does not matter
    assert "not a valid" in rows[4].problem or "geen geldig" in rows[4].problem
    assert "(line 2)" in rows[5].problem or "(regel 2)" in rows[5].problem
    assert rows[6].problem and rows[7].problem and rows[8].note
    # Nothing is written by the preview.
    assert Participation.objects.filter(programme=programme).count() == 2
    html = response.content.decode()
    assert html.count('name="email"') == 3


def test_sending_invites_the_valid_rows_through_the_single_invite_path(setting: dict[str, Any], client: Client) -> None:
    programme = setting["programme"]
    client.force_login(setting["coordinator"])
    emails = ["ayla@example.test", "bram@example.test", "eef@example.test", "dewi@example.test", "x@y"]
    response = client.post(_url(programme), {"send": "1", "email": emails, "name": ["Ayla"]})
    assert response.status_code == 302
    statuses = dict(Participation.objects.filter(programme=programme).values_list("user__email", "status"))
    assert statuses == {
        "ayla@example.test": "invited",
        "bram@example.test": "invited",
        "dewi@example.test": "admitted",
        "eef@example.test": "admitted",  # had applied: the invitation admits, as a single invitation does
    }
    assert Notification.objects.filter(user__in=[setting["Ayla"], setting["Bram"]]).count() == 2
    # Sending the same list again invites no one twice.
    client.post(_url(programme), {"send": "1", "email": emails})
    assert Notification.objects.filter(user__in=[setting["Ayla"], setting["Bram"]]).count() == 2


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("leden.xlsx", b"PK\x03\x04 not a csv"),
        ("leden.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"),
        ("leden.csv", b""),
        ("leden.csv", b"e-mail\n"),
        ("leden.csv", "a@example.test,Naam,extra\n"),
        ("leden.csv", "\n".join(f"lid{i}@example.test" for i in range(501))),
        ("leden.csv", b"\xff\xfe\x00a\x00b"),
        ("leden.csv", 'a@example.test,"niet gesloten\n'),
    ],
)
def test_a_file_that_is_not_a_usable_csv_is_a_field_error(
    setting: dict[str, Any], client: Client, name: str, content: bytes | str
) -> None:
    programme = setting["programme"]
    client.force_login(setting["coordinator"])
    response = _upload(client, programme, content, name=name)
    assert response.status_code == 400
    assert response.context["form"].errors.get("file")
    assert response.context["preview"] is None
    assert Participation.objects.filter(programme=programme).count() == 2


def test_odd_input_never_answers_500(setting: dict[str, Any], client: Client) -> None:
    programme = setting["programme"]
    client.force_login(setting["coordinator"])
    for data in (
        {},
        {"file": "not a file"},
        {"send": "1"},
        {"send": "1", "email": ["\x00@example.test"]},
        {"send": "1", "email": ["a" * 5000]},
    ):
        response = client.post(_url(programme), data)
        assert response.status_code in (200, 302, 400), data
    # Commas, tabs and Windows-1252 work as well as semicolons and UTF-8.
    for content in (
        b"ayla@example.test,Ayla\r\n",
        b"ayla@example.test\tAyla\n",
        "cor@example.test;Cor Ünal\n".encode("cp1252"),
    ):
        assert _upload(client, programme, content).status_code == 200


def test_only_the_coordinators_may_invite_a_list(setting: dict[str, Any], client: Client) -> None:
    programme = setting["programme"]
    client.force_login(setting["Ayla"])
    assert _upload(client, programme, CSV).status_code == 403
    assert client.post(_url(programme), {"send": "1", "email": ["bram@example.test"]}).status_code == 403
    with pytest.raises(Forbidden):
        services.invite_participants(actor=setting["Ayla"], programme=programme, rows=[(1, "bram@example.test", "")])
    assert not Participation.objects.filter(user=setting["Bram"]).exists()


def test_the_preview_costs_the_same_few_queries_for_many_rows(
    setting: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    from mentoring import selectors

    rows = [(i, f"lid{i}@example.test", "") for i in range(300)] + [(301, "ayla@example.test", "")]
    with django_assert_max_num_queries(2):
        preview = selectors.invite_preview(programme=setting["programme"], rows=rows)
    assert [row.line for row in preview if row.ok] == [301]
