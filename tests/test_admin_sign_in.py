"""The moderation site's own sign-in page, which a signed-out visitor to /admin/ is sent to."""

import pytest


@pytest.mark.django_db
def test_a_signed_out_visitor_to_the_admin_gets_its_sign_in_page_not_an_error(client):
    response = client.get("/admin/", follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0].startswith("/admin/login/")
    assert b'name="password"' in response.content
