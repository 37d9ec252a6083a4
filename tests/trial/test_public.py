"""The public side of the trial: announcements and the national directory show only what is
published; the feedback form works without an account, returns an unguessable tracking number, and
shows what bidders wrote escaped."""

import re

import pytest
from django.urls import reverse

from supervision.models import Platform
from trial.models import Announcement, Feedback
from trial.models.feedback import TRACKING_ALPHABET, new_tracking_number

pytestmark = pytest.mark.django_db


def test_only_published_announcements_are_public(world, client):
    for key, objects in world.items():
        announcement = objects["announcement"]
        response = client.get(reverse("public_announcement", args=[announcement.pk]))
        assert response.status_code == (200 if announcement.status == "published" else 404), key
    directory = client.get(reverse("public_directory"))
    assert directory.status_code == 200
    text = directory.content.decode()
    assert "公告-henan" in text
    for unpublished in ("公告-puyang", "公告-zhengzhou", "公告-beijing", "范围-puyang"):
        assert unpublished not in text
    shown = {row["announcement"].pk for row in directory.context["rows"] if row["announcement"]}
    assert shown == {world["henan"]["announcement"].pk}
    # Every participant is listed, published or not.
    assert len(directory.context["rows"]) == 14


def test_returning_to_draft_takes_the_page_down(world, client, client_for):
    published = world["henan"]["announcement"]
    assert client.get(reverse("public_announcement", args=[published.pk])).status_code == 200
    assert client_for("province").post(reverse("trial:announcement_return", args=[published.pk])).status_code == 302
    assert client.get(reverse("public_announcement", args=[published.pk])).status_code == 404
    assert "公告-henan" not in client.get(reverse("public_directory")).content.decode()


def test_preview_of_a_draft_needs_login_and_scope(world, client, client_for):
    draft = world["puyang"]["announcement"]
    url = reverse("announcement_preview", args=[draft.pk])
    assert client.get(url).status_code == 302
    assert client_for("puyang").get(url).status_code == 200
    assert client_for("platform-puyang").get(url).status_code == 200
    assert client_for("zhengzhou").get(url).status_code == 404
    assert client_for("szca").get(url).status_code == 404


def test_announcement_text_is_escaped(world, client):
    announcement = world["henan"]["announcement"]
    Announcement.objects.filter(pk=announcement.pk).update(scope="<script>alert(1)</script>")
    page = client.get(reverse("public_announcement", args=[announcement.pk])).content.decode()
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_home_page_links_to_the_public_pages(client):
    page = client.get(reverse("home")).content.decode()
    assert reverse("public_directory") in page and reverse("trial:feedback_new") in page


# --- feedback ------------------------------------------------------------------------------------


def test_feedback_without_an_account_then_followed_by_number(client, client_for, registry):
    henan = Platform.objects.get(name="河南省公共资源交易中心交易平台")
    form = client.get(reverse("trial:feedback_new"))
    assert form.status_code == 200
    offered = {choice.instance.pk for choice, _label in list(form.context["form"].fields["platform"].choices)[1:]}
    assert henan.pk in offered  # the participants of the trial
    assert Platform.objects.get(name="濮阳市公共资源交易中心交易平台").pk not in offered
    description = '<img src=x onerror="alert(1)"> 平台拒绝网络共享数字证书'
    response = client.post(
        reverse("trial:feedback_new"), {"category": "refusal", "platform": henan.pk, "description": description}
    )
    assert response.status_code == 302
    feedback = Feedback.objects.get()
    assert re.fullmatch(rf"FB(-[{TRACKING_ALPHABET}]{{4}}){{4}}", feedback.tracking_number)
    assert feedback.sender_hash and "203.0.113" not in feedback.sender_hash
    status = client.get(response["Location"])
    page = status.content.decode()
    assert feedback.tracking_number in page
    assert '<img src=x onerror="alert(1)">' not in page and "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in page
    assert status.context["new"] is True

    province = client_for("province")
    assert (
        province.post(
            reverse("trial:feedback_answer", args=[feedback.pk]), {"answer": "已责成平台整改 <b>"}
        ).status_code
        == 302
    )
    later = client.get(reverse("trial:feedback_status"), {"number": feedback.tracking_number.lower()})
    assert later.context["feedback"] == feedback
    assert "已责成平台整改 &lt;b&gt;" in later.content.decode()
    # The triage pages stay closed to the public.
    assert client.get(reverse("trial:feedback_detail", args=[feedback.pk])).status_code == 302
    assert client.get("/api/v1/trial-feedback/").status_code in (401, 403)


def test_tracking_numbers_are_random():
    numbers = {new_tracking_number() for _ in range(2000)}
    assert len(numbers) == 2000
    assert len({n[3:7] for n in numbers}) > 500  # no counter, no date prefix


def test_feedback_about_enterprise_platforms_has_no_region_so_only_superusers_triage(client, registry):
    huaneng = Platform.objects.get(name="中国华能集团有限公司招标采购平台")
    response = client.post(
        reverse("trial:feedback_new"), {"category": "other", "platform": huaneng.pk, "description": "建议"}
    )
    assert response.status_code == 302
    from portal.accounts.models import User

    root = User.objects.create_superuser("root-trial", "root@example.com", "x")
    assert Feedback.objects.visible_to(root).count() == 1
    assert Feedback.objects.visible_to(User.objects.get(username="province")).count() == 0
