from django.urls import reverse


def test_admin_is_japanese_by_default_and_english_selectable(alice_client) -> None:
    index = alice_client.get(reverse("admin:index"))
    assert index.status_code == 200
    assert index.headers["Content-Language"] == "ja"
    assert "保険者職員メニュー" in index.content.decode()
    alice_client.post(reverse("set_language"), {"language": "en", "next": "/"})
    english = alice_client.get(reverse("admin:index"))
    assert english.headers["Content-Language"] == "en"
    assert 'lang="en"' in english.content.decode()


def test_time_zone_and_language_settings(settings) -> None:
    assert (settings.LANGUAGE_CODE, settings.TIME_ZONE, settings.USE_TZ) == ("ja", "Asia/Tokyo", True)


def test_browser_language_does_not_switch_the_ui(alice_client) -> None:
    page = alice_client.get(reverse("admin:index"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert page.headers["Content-Language"] == "ja"
