"""Rights come from each model's rules alone: a Django permission given to a user or a group grants
nothing (portal.accounts.backends), and the user admin does not offer them."""

import pytest
from conftest import log_in
from django.contrib.auth.models import Group, Permission
from django.test import Client
from django.urls import reverse

from portal.accounts.models import User
from supervision.models import Region

pytestmark = pytest.mark.django_db


def test_a_permission_given_in_the_database_grants_nothing(registry, personas, client_for):
    puyang = personas["puyang"]
    change_region = Permission.objects.get(codename="change_region", content_type__app_label="supervision")
    puyang.user_permissions.add(change_region)
    group = Group.objects.create(name="everything")
    group.permissions.set(Permission.objects.all())
    puyang.groups.add(group)
    henan = Region.objects.get(code="410000")
    name = henan.name

    puyang = User.objects.get(pk=puyang.pk)  # no cached permissions
    assert puyang.get_all_permissions() == set()
    assert not puyang.has_perm("supervision.change_region", henan)
    response = client_for("puyang").post(
        reverse("supervision:region_edit", args=[henan.pk]), {"name": "改名", "code": "410000"}
    )
    assert response.status_code == 403
    henan.refresh_from_db()
    assert henan.name == name


def test_the_user_admin_offers_no_django_permissions(registry):
    root = User.objects.create_superuser("root-rights", "root@example.com", "a-long-admin-password")
    client = Client()
    log_in(client, root)
    response = client.get(reverse("admin:accounts_user_change", args=[root.pk]))
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert {"is_active", "is_staff", "is_superuser", "role", "region"} <= set(form.fields)
    assert not {"groups", "user_permissions"} & set(form.fields)
    assert b'name="user_permissions"' not in response.content
    index = client.get(reverse("admin:index")).content.decode()
    assert "/admin/auth/group/" not in index
