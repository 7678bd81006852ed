"""Admin views: endpoints (create, edit, delete) and the delivery log with "send again"."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from wagtail.admin.views.generic.models import IndexView, InspectView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import MenuItem
from wagtail.permission_policies import ModelPermissionPolicy

from .delivery import send_again
from .forms import EndpointForm
from .models import Delivery, Endpoint


class WebhookPermissionPolicy(ModelPermissionPolicy):
    """One permission, "Kan administrere webhooks", for every action on endpoints and deliveries."""

    def __init__(self, model):
        super().__init__(model, auth_model=Endpoint)

    def _get_permission_codename(self, action):
        return "manage_webhooks"


class DeliveryPermissionPolicy(WebhookPermissionPolicy):
    """Deliveries are made by events, never added or edited by hand."""

    def user_has_permission(self, user, action):
        return action not in ("add", "change") and super().user_has_permission(user, action)


class EndpointViewSet(ModelViewSet):
    model = Endpoint
    icon = "link-external"
    menu_label = "Webhooks"
    add_to_settings_menu = True
    copy_view_enabled = False
    list_display = ["name", "url", "event_labels", "enabled"]
    search_fields = ["name", "url"]

    def get_form_class(self, for_update=False):
        return EndpointForm


class DeliveryIndexView(IndexView):
    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        if instance.status != Delivery.PENDING:
            buttons.append(
                MenuItem(
                    "Send igjen", url=reverse("webhook_deliveries:send_again", args=[instance.pk]), icon_name="redirect"
                )
            )
        return buttons


class DeliveryInspectView(InspectView):
    template_name = "webhooks/delivery_inspect.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["attempt_log"] = self.object.attempt_log.all()
        context["send_again_url"] = reverse("webhook_deliveries:send_again", args=[self.object.pk])
        return context


class DeliveryViewSet(ModelViewSet):
    model = Delivery
    url_prefix = "webhook-deliveries"
    name = "webhook_deliveries"
    icon = "list-ul"
    menu_label = "Webhook-leveringer"
    add_to_settings_menu = True
    index_view_class = DeliveryIndexView
    inspect_view_class = DeliveryInspectView
    inspect_view_enabled = True
    inspect_view_fields = [
        "uuid",
        "endpoint",
        "event",
        "status",
        "attempts",
        "next_attempt_at",
        "created_at",
        "finished_at",
        "payload",
    ]
    copy_view_enabled = False
    list_display = ["created_at", "event", "endpoint", "status", "attempts", "next_attempt_at"]
    list_filter = ["status", "event", "endpoint"]
    form_fields = []

    def get_urlpatterns(self):
        return [*super().get_urlpatterns(), path("send-again/<int:pk>/", self.send_again_view, name="send_again")]

    def send_again_view(self, request, pk):
        if not self.permission_policy.user_has_permission(request.user, "view"):
            raise PermissionDenied
        delivery = get_object_or_404(Delivery.objects.select_related("endpoint"), pk=pk)
        # A GET (the listing's menu) shows the delivery and its button; only a POST sends.
        if request.method == "POST":
            if delivery.status == Delivery.PENDING:
                messages.warning(request, "Leveringen venter allerede på å bli sendt.")
            else:
                send_again(delivery)
                messages.success(request, f"Leveringen til «{delivery.endpoint}» er lagt i kø på nytt.")
        return redirect(self.get_url_name("inspect"), pk)
