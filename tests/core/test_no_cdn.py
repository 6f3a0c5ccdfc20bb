"""Every asset comes from Caravan itself: sites with poor internet never wait on a CDN."""

import re

import pytest

EXTERNAL = re.compile(r"""(?:src|href)=["'](?:https?:)?//""")


@pytest.mark.parametrize(("signed_in", "url"), [
    (False, "/login/"), (True, "/"), (True, "/registry/facilities/"), (True, "/api/v1/docs"),
])
def test_pages_load_no_asset_from_another_host(cast, client_as, signed_in, url):
    response = client_as(cast.coordinator if signed_in else None).get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert EXTERNAL.findall(html) == []


def test_api_docs_use_the_bundled_swagger_ui(cast, client_as):
    html = client_as(cast.coordinator).get("/api/v1/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html
