"""Reports and images added after intake: checked by content, listed on the referral, page and API."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from caravan.core.models import AuditEvent
from caravan.referrals import services
from caravan.referrals.models import ReferralDocument
from tests.helpers import assert_refused

R = "/api/v1/referrals"
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 40


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_the_office_adds_a_report_through_the_page_and_it_is_listed(world, referral, client_as,
                                                                     django_assert_num_queries):
    client = client_as(world.office)
    detail = reverse("referrals:detail", args=[referral.pk])
    assert 'data-testid="no-documents"' in client.get(detail).content.decode()
    response = client.post(reverse("referrals:document_add", args=[referral.pk]),
                           {"file": SimpleUploadedFile("biopsy.pdf", PDF), "title": "Biopsy report"})
    assert response.status_code == 302
    services.document_add(by=world.tj_doctor, referral=referral, upload=SimpleUploadedFile("ct.png", PNG))
    # The same count as with no document: the documents are one list query however many there are.
    with django_assert_num_queries(14):
        page = client.get(detail).content.decode()
    assert [(d.title, d.content_type, d.size) for d in ReferralDocument.objects.order_by("id")] == [
        ("Biopsy report", "application/pdf", len(PDF)), ("ct.png", "image/png", len(PNG))]
    assert ">Biopsy report</a>" in page and ">ct.png</a>" in page
    assert AuditEvent.objects.filter(object_type="referrals.referraldocument", action="create").count() == 2


def test_a_file_that_is_not_a_pdf_or_image_by_content_is_refused_on_the_page(world, referral, client_as):
    url = reverse("referrals:document_add", args=[referral.pk])
    response = client_as(world.office).post(url, {"file": SimpleUploadedFile("report.pdf", b"MZ\x90\x00 not a pdf")})
    assert response.status_code == 400
    assert response.context["document_form"].errors == {
        "file": ["Only PDF files and images (PNG, JPEG, WebP) are accepted."]}
    response = client_as(world.office).post(url, {"title": "Nothing attached"})
    assert response.context["document_form"].errors == {"file": ["Choose a file."]}
    assert ReferralDocument.objects.count() == 0


def test_documents_over_the_api(world, referral, client_as):
    client = client_as(world.tj_doctor)
    response = client.post(f"{R}/{referral.pk}/documents", {"file": SimpleUploadedFile("scan.png", PNG),
                                                            "title": "CT abdomen"})
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["title"], body["content_type"], body["size"]) == ("CT abdomen", "image/png", len(PNG))
    detail = client_as(world.office).get(f"{R}/{referral.pk}").json()
    assert [(d["id"], d["title"]) for d in detail["documents"]] == [(body["id"], "CT abdomen")]


def test_bad_documents_over_the_api_name_the_field(world, referral, client_as):
    client = client_as(world.tj_doctor)
    path = f"{R}/{referral.pk}/documents"
    response = client.post(path, {"file": SimpleUploadedFile("x.jpg", b"GIF89a pretending")})
    assert (response.status_code, response.json()["fields"]) == (
        400, {"file": ["Only PDF files and images (PNG, JPEG, WebP) are accepted."]})
    response = client.post(path, {"file": SimpleUploadedFile("x.pdf", PDF), "title": "t" * 201})
    assert response.json()["fields"] == {"title": ["At most 200 characters."]}
    assert client.post(path, {}).json()["fields"] == {"file": ["Choose a file."]}
    services.referral_advance(by=world.office, referral=referral, to="declined", reason="Not treatable here")
    response = client.post(path, {"file": SimpleUploadedFile("x.pdf", PDF)})
    assert response.json()["fields"] == {"file": ["Documents are added while the referral is open."]}
    assert ReferralDocument.objects.count() == 0


def test_adding_documents_is_refused_outside_the_case(world, referral, cast, client_as):
    def upload():
        return {"file": SimpleUploadedFile("x.pdf", PDF)}

    page = reverse("referrals:document_add", args=[referral.pk])
    for user in (None, world.mz_analyst, world.fz_clinician, cast.coordinator):
        assert_refused(client_as, [user], "post", page, upload())
    path = f"{R}/{referral.pk}/documents"
    assert_refused(client_as, [None], "post", path, upload(), anonymous_redirects=False)
    for user in (world.mz_analyst, world.fz_clinician, cast.coordinator):
        assert_refused(client_as, [user], "post", path, upload(), statuses=(404,))
    assert ReferralDocument.objects.count() == 0
