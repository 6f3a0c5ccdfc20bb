"""The Django admin is for node operators and never changes the audit trail."""

import pytest
from django.urls import reverse

from caravan.core.models import AuditEvent

CHANGELISTS = [
    "core_network", "core_organisation", "core_profile", "core_apitoken", "core_auditevent",
    "registry_region", "registry_facility", "registry_department", "registry_practitioner",
    "registry_technique", "registry_specialty", "registry_equipment",
]


@pytest.mark.parametrize("model", CHANGELISTS)
def test_node_admin_opens_every_changelist(cast, client_as, model):
    response = client_as(cast.node_admin).get(reverse(f"admin:{model}_changelist"))
    assert response.status_code == 200


@pytest.mark.parametrize("user_name", [None, "coordinator", "admin_a", "outsider"])
def test_non_staff_are_sent_to_the_admin_login(cast, client_as, user_name):
    user = getattr(cast, user_name) if user_name else None
    response = client_as(user).get(reverse("admin:registry_facility_changelist"))
    assert response.status_code == 302
    assert response["Location"].startswith("/django-admin/login/")


def test_audit_events_cannot_be_added_changed_or_deleted_in_the_admin(cast, client_as):
    client = client_as(cast.node_admin)
    event = AuditEvent.objects.create(actor=cast.node_admin, action="read", object_type="x", object_id="1")
    assert client.get(reverse("admin:core_auditevent_add")).status_code == 403
    assert client.post(reverse("admin:core_auditevent_delete", args=[event.pk]), {"post": "yes"}).status_code == 403
    assert AuditEvent.objects.filter(pk=event.pk).count() == 1
