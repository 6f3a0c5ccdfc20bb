"""Assertions shared by the view and API tests."""

from caravan.core.models import AuditEvent


def audit_count() -> int:
    return AuditEvent.objects.count()


def assert_refused(client_as, users, method: str, url: str, data=None, *, anonymous_redirects: bool = True,
                   statuses=(403, 404), content_type=None):
    """Each of `users` (None for anonymous) is refused `method url`, and no audit event is written.

    Anonymous page requests are sent to the login page; signed-in users get 403 or 404.
    """
    before = audit_count()
    for user in users:
        client = client_as(user)
        kwargs = {"content_type": content_type} if content_type else {}
        response = getattr(client, method.lower())(url, data or {}, **kwargs)
        if user is None and anonymous_redirects:
            assert response.status_code == 302, (user, response.status_code)
            assert response["Location"].startswith("/login/"), response["Location"]
        elif user is None:
            assert response.status_code == 401, (user, response.status_code)
        else:
            assert response.status_code in statuses, (user, response.status_code)
    assert audit_count() == before
