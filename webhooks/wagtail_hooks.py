from wagtail import hooks
from wagtail.permissions import register_permission_policy

from .models import Delivery, Endpoint
from .views import DeliveryPermissionPolicy, DeliveryViewSet, EndpointViewSet, WebhookPermissionPolicy

register_permission_policy(Endpoint, WebhookPermissionPolicy(Endpoint))
register_permission_policy(Delivery, DeliveryPermissionPolicy(Delivery))


@hooks.register("register_admin_viewset")
def register_webhook_viewsets():
    return [EndpointViewSet("webhooks"), DeliveryViewSet("webhook_deliveries")]
