"""Guidance providers are organisations of the members app (moved from guidance; the table kept its name)."""

import pytest

from members.models import GuidanceProvider


def test_provider_table_kept_its_name() -> None:
    assert GuidanceProvider._meta.app_label == "members"
    assert GuidanceProvider._meta.db_table == "guidance_guidanceprovider"


@pytest.mark.django_db
def test_old_admin_address_redirects_to_the_members_page(client, django_user_model) -> None:
    client.force_login(django_user_model.objects.create_superuser("root", password="x" * 12))
    response = client.get("/admin/guidance/guidanceprovider/add/")
    assert response.status_code == 301
    assert response["Location"] == "/admin/members/guidanceprovider/add/"
    assert client.get(response["Location"]).status_code == 200
