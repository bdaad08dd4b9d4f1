"""Personal access tokens: a member's key for the REST API, with scopes.

Only a SHA-256 hash of the secret is stored; the secret is shown once, when it is made.
The first characters (``prefix``) stay readable so a member can tell tokens apart.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Length
from django.db.models.lookups import Exact
from django.utils.translation import gettext_lazy as _


class Scope(models.TextChoices):
    READ = "read", _("Read")
    WRITE = "write", _("Write")
    MENTORING = "mentoring", _("Mentoring")
    ADMIN = "admin", _("Manage")


class AccessToken(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("name"), max_length=80)
    prefix = models.CharField(max_length=16)
    # hex SHA-256 of the whole secret: a token is random enough that a slow hash adds nothing.
    token_hash = models.CharField(max_length=64, unique=True)
    scopes = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(name=""), name="api_token_name_not_empty"),
            models.CheckConstraint(condition=Exact(Length("token_hash"), 64), name="api_token_hash_length"),
        ]
        indexes = [models.Index(fields=["user", "revoked_at"], name="api_token_user_live")]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class WebhookEvent(models.TextChoices):
    MESSAGE_CREATED = "message.created", _("A message in one of the community's open rooms")
    LESSON_PUBLISHED = "lesson.published", _("A lesson from the community is published")
    MENTORING_PAIR = "mentoring.pair", _("A pair in the programme is proposed or changes status")
    MENTORING_SESSION = "mentoring.session", _("A session of a pair in the programme is planned or logged")


COMMUNITY_EVENTS = (WebhookEvent.MESSAGE_CREATED, WebhookEvent.LESSON_PUBLISHED)
PROGRAMME_EVENTS = (WebhookEvent.MENTORING_PAIR, WebhookEvent.MENTORING_SESSION)


class Webhook(models.Model):
    """An outgoing webhook of a community (its facilitators) or a programme (its coordinators).

    Kring POSTs each event it subscribes to, signed with HMAC-SHA256 of ``secret`` (``api.webhooks``).
    The secret is kept (it is needed to sign) and shown once, when the webhook is made.
    """

    community = models.ForeignKey("forum.Community", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    programme = models.ForeignKey(
        "mentoring.Programme", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    target_url = models.URLField(_("address"), max_length=500)
    events = models.JSONField(default=list)
    secret = models.CharField(max_length=64)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_status = models.PositiveSmallIntegerField(null=True, blank=True)  # the last attempt's HTTP status (0: none)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    failures = models.PositiveIntegerField(default=0)  # failed attempts since the last success

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(community__isnull=False, programme__isnull=True)
                | Q(community__isnull=True, programme__isnull=False),
                name="api_webhook_one_owner",
            )
        ]

    def __str__(self) -> str:
        return self.target_url


class WebhookDelivery(models.Model):
    """One attempt to deliver an event to a webhook: what was sent, what came back, how long it took.

    Bounded: each webhook keeps its newest ``api.webhooks.DELIVERIES_KEPT`` attempts, older ones
    are deleted when a new one is written. Holds no personal data: the body is not kept.
    """

    webhook = models.ForeignKey(Webhook, on_delete=models.CASCADE, related_name="deliveries")
    delivery_id = models.CharField(max_length=36)  # Kring-Webhook-Id: the same for each attempt of one delivery
    event = models.CharField(max_length=40)
    attempt = models.PositiveSmallIntegerField()
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)  # the HTTP status; None: no answer
    error = models.CharField(max_length=200, blank=True)  # why there was no answer (timeout, refused …)
    duration_ms = models.PositiveIntegerField(default=0)
    attempted_at = models.DateTimeField()

    class Meta:
        ordering = ["-attempted_at", "-pk"]
        indexes = [models.Index(fields=["webhook", "-id"], name="api_delivery_newest")]
        constraints = [models.CheckConstraint(condition=Q(attempt__gte=1), name="api_delivery_attempt_positive")]

    def __str__(self) -> str:
        return f"{self.event} #{self.attempt} → {self.status_code or self.error}"

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300

    @property
    def seconds(self) -> float:
        return self.duration_ms / 1000

    @property
    def event_label(self) -> str:
        """The event in words, as the form names it (the code itself if Kring no longer knows it)."""
        return str(dict(WebhookEvent.choices).get(self.event, self.event))

    @property
    def outcome(self) -> str:
        """What came of the attempt, in a word or two."""
        return str(_OUTCOMES[self._result][0])

    @property
    def outcome_detail(self) -> str:
        """Why, in a sentence (the HTTP status only as a number to pass on to the other system's admin)."""
        detail = str(_OUTCOMES[self._result][1])
        return detail % {"code": self.status_code} if self.status_code else detail

    @property
    def _result(self) -> str:
        if self.ok:
            return "delivered"
        if self.status_code:
            return "turned_down"
        if self.error.startswith(REFUSED_PREFIX):
            return "not_sent"
        if self.error.startswith(TIMEOUT_PREFIX):
            return "no_answer"
        return "no_connection"


# What ``api.webhooks`` writes in ``WebhookDelivery.error`` before the reason, for the log to tell
# the kinds of failure apart.
REFUSED_PREFIX = "refused: "
TIMEOUT_PREFIX = "timeout after "
# Per result of an attempt: (outcome, detail).
_OUTCOMES = {
    "delivered": (_("Delivered"), _("HTTP status %(code)s")),
    "turned_down": (_("Turned down"), _("HTTP status %(code)s")),
    "not_sent": (_("Not sent"), _("Kring does not send to this address.")),
    "no_answer": (_("No answer"), _("The other system did not answer in time.")),
    "no_connection": (_("No connection"), _("Kring could not reach the address.")),
}
