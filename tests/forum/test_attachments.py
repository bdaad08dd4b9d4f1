from __future__ import annotations

import io
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from forum import services
from forum.errors import Invalid
from forum.models import Attachment

pytestmark = pytest.mark.django_db


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (10, 120, 200)).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture
def topic(make_community, owner):  # type: ignore[no-untyped-def]
    return services.create_topic(actor=owner, room=make_community().rooms.get(), title="Bijlagen")


def _post(client, topic, upload, body: str = "Zie bijlage"):  # type: ignore[no-untyped-def]
    return client.post(topic.get_absolute_url(), {"body": body, "client_id": str(uuid.uuid4()), "attachments": upload})


def test_image_is_reencoded_and_served_inline_safely(client, owner, topic) -> None:  # type: ignore[no-untyped-def]
    client.force_login(owner)
    # A PNG with trailing HTML: re-encoding drops everything that is not pixels.
    upload = SimpleUploadedFile("foto.png", _png() + b"<script>alert(1)</script>", content_type="image/png")
    assert _post(client, topic, upload).status_code == 302
    attachment = Attachment.objects.get()
    assert attachment.is_image and attachment.content_type == "image/png"
    data = attachment.file.read()
    assert b"<script>" not in data
    response = client.get(f"/gemeenschappen/bijlage/{attachment.pk}/")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert response["Content-Type"] == "image/png"
    assert not response["Content-Disposition"].startswith("attachment")


def test_document_is_a_download(client, owner, topic) -> None:  # type: ignore[no-untyped-def]
    client.force_login(owner)
    upload = SimpleUploadedFile("verslag.pdf", b"%PDF-1.4\n%\xe2\xe3\n1 0 obj\n", content_type="application/pdf")
    assert _post(client, topic, upload).status_code == 302
    attachment = Attachment.objects.get()
    response = client.get(f"/gemeenschappen/bijlage/{attachment.pk}/")
    assert response["Content-Disposition"].startswith("attachment")
    assert response["Content-Type"] == "application/pdf"


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("tekening.svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'),
        ("pagina.html", b"<html><script>alert(1)</script></html>"),
        ("nep.pdf", b"<html><script>alert(1)</script></html>"),
        ("nep.docx", b"MZ\x90\x00 not a zip"),
        ("latin1.txt", "caf\xe9".encode("latin-1")),
    ],
)
def test_unsafe_or_mismatched_files_are_refused_and_text_kept(client, owner, topic, name: str, content: bytes) -> None:  # type: ignore[no-untyped-def]
    client.force_login(owner)
    response = _post(client, topic, SimpleUploadedFile(name, content), body="Mijn zorgvuldig geschreven tekst")
    assert response.status_code == 400
    body = response.content.decode()
    assert "Mijn zorgvuldig geschreven tekst" in body
    assert "attachments_error" in body
    assert not Attachment.objects.exists()
    assert not topic.messages.exists()


def test_size_limit(owner, topic) -> None:  # type: ignore[no-untyped-def]
    big = SimpleUploadedFile("groot.txt", b"a" * (10 * 1024 * 1024 + 1))
    with pytest.raises(Invalid):
        services.post_message(actor=owner, topic=topic, body="groot", client_id=uuid.uuid4(), attachments=[big])


def test_attachment_of_unreadable_room_is_404(client, owner, make_user, topic) -> None:  # type: ignore[no-untyped-def]
    room = services.create_room(actor=owner, community=topic.room.community, name="Besloten", restricted=True)
    secret_topic = services.create_topic(actor=owner, room=room, title="Geheim")
    upload = SimpleUploadedFile("begroting.pdf", b"%PDF-1.4 geheim")
    message = services.post_message(
        actor=owner, topic=secret_topic, body="x", client_id=uuid.uuid4(), attachments=[upload]
    )
    client.force_login(make_user())
    response = client.get(f"/gemeenschappen/bijlage/{message.attachments.get().pk}/")
    assert response.status_code == 404
