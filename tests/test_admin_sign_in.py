"""A signed-out visitor to /admin/ is sent, through the admin's sign-in address, to the service's own sign-in."""

import pytest


@pytest.mark.django_db
def test_a_signed_out_visitor_to_the_admin_gets_the_service_sign_in_page_not_an_error(client):
    response = client.get("/admin/", follow=True)
    assert response.status_code == 200
    assert [url for url, _ in response.redirect_chain][0].startswith("/admin/login/")
    assert response.redirect_chain[-1][0].startswith("/sign-in/?next=/admin/")
    assert b'name="password"' in response.content
