import uuid

from django.db import models
from django.utils import timezone

from .events import EVENTS


class Endpoint(models.Model):
    """A frontend (or CDN) that is told when public content changes."""

    name = models.CharField("navn", max_length=100, unique=True)
    url = models.URLField("adresse", max_length=2000, help_text="Adressen som får en POST ved hver hendelse.")
    # Kept to sign each delivery; never shown back in full, never logged.
    secret = models.CharField(
        "hemmelig nøkkel",
        max_length=200,
        help_text="Mottakeren bruker den til å kontrollere signaturen (X-CMS-Signature).",
    )
    events = models.JSONField("hendelser", default=list, help_text="Hendelsene mottakeren skal få.")
    enabled = models.BooleanField("aktiv", default=True)
    created_at = models.DateTimeField("opprettet", auto_now_add=True)
    updated_at = models.DateTimeField("endret", auto_now=True)

    class Meta:
        verbose_name = "webhook-mottaker"
        verbose_name_plural = "webhook-mottakere"
        ordering = ["name"]
        default_permissions = ()
        permissions = [("manage_webhooks", "Kan administrere webhooks")]

    def __str__(self) -> str:
        return self.name

    def subscribes_to(self, event: str) -> bool:
        return event in self.events

    @property
    def masked_secret(self) -> str:
        return "••••" + self.secret[-4:] if len(self.secret) >= 12 else "••••"

    def event_labels(self) -> str:
        return ", ".join(event for event in EVENTS if event in self.events)

    event_labels.short_description = "hendelser"


class Delivery(models.Model):
    """One event for one endpoint: the exact body, and where its sending stands.

    Deliveries of an endpoint are sent in `id` order, one at a time: a
    delivery waiting for a retry holds back the later ones.
    """

    PENDING = "pending"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    STATUS_CHOICES = [(PENDING, "venter"), (SUCCEEDED, "levert"), (FAILED, "feilet")]

    uuid = models.UUIDField("leverings-ID", default=uuid.uuid4, unique=True, editable=False)
    endpoint = models.ForeignKey(Endpoint, verbose_name="mottaker", on_delete=models.CASCADE, related_name="deliveries")
    event = models.CharField("hendelse", max_length=40, choices=list(EVENTS.items()))
    # The JSON text; its UTF-8 bytes are sent and signed, the same on every attempt.
    payload = models.TextField("innhold")
    status = models.CharField("status", max_length=10, choices=STATUS_CHOICES, default=PENDING)
    # Attempts since the delivery was (re)queued; the retry delays count these.
    attempts = models.PositiveIntegerField("forsøk", default=0)
    next_attempt_at = models.DateTimeField("neste forsøk", null=True, blank=True)
    # Set while a worker sends it; a worker that dies leaves it to lapse.
    lease_until = models.DateTimeField(null=True, blank=True, editable=False)
    # Which worker holds the lease: one that stops beating gives it up early (worker.liveness).
    lease_holder = models.CharField(max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField("opprettet", auto_now_add=True)
    # When it was (re)queued: the retry window counts from here.
    queued_at = models.DateTimeField("lagt i kø", default=timezone.now)
    finished_at = models.DateTimeField("avsluttet", null=True, blank=True)

    class Meta:
        verbose_name = "webhook-levering"
        verbose_name_plural = "webhook-leveringer"
        ordering = ["-id"]
        default_permissions = ()
        indexes = [
            models.Index(fields=["endpoint", "status", "id"], name="webhooks_queue_idx"),
            models.Index(fields=["status", "next_attempt_at"], name="webhooks_due_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.event} → {self.endpoint.name}"

    @property
    def body_bytes(self) -> bytes:
        return self.payload.encode("utf-8")


class DeliveryAttempt(models.Model):
    """The log of one attempt: what came back, never the secret or the signature."""

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="attempt_log")
    started_at = models.DateTimeField("tidspunkt")
    duration_ms = models.PositiveIntegerField("varighet (ms)")
    status_code = models.PositiveSmallIntegerField("HTTP-status", null=True, blank=True)
    succeeded = models.BooleanField("vellykket", default=False)
    error = models.CharField("feil", max_length=300, blank=True)
    response_excerpt = models.TextField("svar (utdrag)", blank=True)

    class Meta:
        verbose_name = "leveringsforsøk"
        verbose_name_plural = "leveringsforsøk"
        ordering = ["started_at", "id"]
        default_permissions = ()

    def __str__(self) -> str:
        return f"{self.status_code or self.error} ({self.started_at:%Y-%m-%d %H:%M:%S})"
