"""Avatars: PUT/DELETE /me/avatar, the sizes and their cleaning, serving and caching,
``avatar_url`` in every user dict, ``user.updated``, export, deletion, bad input, leaks."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from PIL import Image
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from socialnet.extensions import db
from socialnet.models import User
from tests.helpers import assert_error
from tests.test_files import _bomb, _jpeg_with_gps, fetch, png_bytes

AVATAR = "/api/v1/me/avatar"


@pytest.fixture(autouse=True)
def storage_dir(app, tmp_path):
    app.config["STORAGE_DIR"] = str(tmp_path / "uploads")
    return tmp_path / "uploads"


def _stored(storage_dir) -> list:
    return [p for p in storage_dir.rglob("*") if p.is_file()] if storage_dir.exists() else []


def put_avatar(client, data: bytes, name: str = "me.png", headers: dict | None = None):
    """PUT ``data`` as the multipart field ``file`` (encoded in memory)."""
    boundary, body = encode_multipart({"file": FileStorage(io.BytesIO(data), name)})
    call = getattr(client, "call", None) or client.open  # an API client, or a browser's
    return call(
        method="PUT",
        path=AVATAR,
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
        headers=headers,
    )


def _image(response) -> Image.Image:
    return Image.open(io.BytesIO(response.get_data()))


def test_set_avatar_stores_three_clean_squares(api, employee, fred, storage_dir):
    me = api(employee)
    response = put_avatar(me, _jpeg_with_gps(), "holiday.jpg")
    assert response.status_code == 200, response.get_json()
    url = response.get_json()["avatar_url"]
    assert url == f"/api/v1/users/{employee.id}/avatar/1/160"
    assert len(_stored(storage_dir)) == 3
    for size in (32, 64, 160):
        served = fetch(api(fred), url.rsplit("/", 1)[0] + f"/{size}")
        assert served.status_code == 200
        assert served.mimetype == "image/webp"
        assert served.headers["X-Content-Type-Options"] == "nosniff"
        cache = served.headers["Cache-Control"]
        assert "private" in cache and "max-age=31536000" in cache and "public" not in cache
        image = _image(served)
        assert image.size == (size, size)
        assert not image.getexif()  # no EXIF, no GPS
    assert fetch(api(fred), url.rsplit("/", 1)[0] + "/48").status_code == 404


def test_avatar_url_is_in_every_user_dict(api, employee, fred):
    me = api(employee)
    assert me.get("/api/v1/me").get_json()["avatar_url"] is None
    url = put_avatar(me, png_bytes((90, 40))).get_json()["avatar_url"]
    post = me.post("/api/v1/posts", {"body": "hello"}).get_json()
    assert post["author"]["avatar_url"] == url
    other = api(fred)
    assert other.get(f"/api/v1/users/{employee.id}").get_json()["avatar_url"] == url
    [listed] = [
        p
        for p in other.get("/api/v1/users", query_string={"q": employee.display_name}).get_json()[
            "items"
        ]
        if p["id"] == employee.id
    ]
    assert listed["avatar_url"] == url
    comment = other.post(f"/api/v1/posts/{post['id']}/comments", {"body": "hi"}).get_json()
    assert comment["author"]["avatar_url"] is None  # fred shows his initials


def test_a_change_gets_a_new_url_and_the_old_one_redirects(api, employee, fred, storage_dir):
    me = api(employee)
    first = put_avatar(me, png_bytes(color=(1, 2, 3))).get_json()["avatar_url"]
    second = put_avatar(me, png_bytes(color=(200, 200, 0))).get_json()["avatar_url"]
    assert first != second and second.endswith("/2/160")
    db.session.rollback()
    assert len(_stored(storage_dir)) == 3  # the first photo's bytes are gone
    stale = fetch(api(fred), first)
    assert stale.status_code == 302 and stale.headers["Location"].endswith(second)
    assert "no-cache" in stale.headers["Cache-Control"]


def test_delete_returns_to_initials(api, employee, fred, storage_dir, capture_events):
    me = api(employee)
    url = put_avatar(me, png_bytes()).get_json()["avatar_url"]
    response = me.delete(AVATAR)
    assert response.status_code == 200
    assert response.get_json()["avatar_url"] is None
    assert _stored(storage_dir) == []
    assert fetch(api(fred), url).status_code == 404
    assert me.delete(AVATAR).status_code == 200  # idempotent
    updates = capture_events.of_type("user.updated")
    assert [e.payload["data"]["avatar_url"] for e in updates] == [url, None]
    assert {e.room for e in updates} == {"company"}


def test_user_updated_carries_the_new_avatar(api, employee, capture_events):
    url = put_avatar(api(employee), png_bytes()).get_json()["avatar_url"]
    [event] = capture_events.of_type("user.updated")
    assert event.payload["data"]["id"] == employee.id
    assert event.payload["data"]["avatar_url"] == url


@pytest.mark.parametrize(
    ("data", "status", "code"),
    [
        (b"%PDF-1.4 a procedure", 415, "unsupported_type"),
        (b"", 400, "empty_file"),
        (b"just some text", 415, "unsupported_type"),
        (b'<svg xmlns="http://www.w3.org/2000/svg"/>', 415, "unsupported_type"),
        ("bomb", 400, "image_too_large"),
        ("truncated", 400, "bad_image"),
    ],
)
def test_bad_avatars_are_refused_and_change_nothing(
    api, employee, storage_dir, capture_events, data, status, code
):
    data = {"bomb": _bomb(), "truncated": _jpeg_with_gps()[:200]}.get(data, data)
    me = api(employee)
    body = assert_error(put_avatar(me, data, "me.pdf"), status, code)
    assert body["message"]
    assert me.get("/api/v1/me").get_json()["avatar_url"] is None
    assert _stored(storage_dir) == []
    assert capture_events.of_type("user.updated") == []


def test_bad_avatar_keeps_the_previous_one(api, employee, storage_dir):
    me = api(employee)
    url = put_avatar(me, png_bytes()).get_json()["avatar_url"]
    assert_error(put_avatar(me, b"%PDF-1.4", "x.pdf"), 415)
    assert me.get("/api/v1/me").get_json()["avatar_url"] == url
    assert len(_stored(storage_dir)) == 3


def test_too_large_and_missing_field(app, api, employee):
    me = api(employee)
    app.config["MAX_UPLOAD_MB"] = 1
    body = assert_error(put_avatar(me, b"\x89PNG\r\n\x1a\n" + b"a" * (1024 * 1024)), 413)
    assert "1 MB" in body["message"]
    assert_error(me.put(AVATAR, {"file": "nope"}), 400)


def test_needs_sign_in_and_csrf(api, signed_in, employee):
    assert_error(put_avatar(api(None), png_bytes()), 401)
    url = put_avatar(api(employee), png_bytes()).get_json()["avatar_url"]
    assert fetch(api(None), url).status_code == 401
    web = signed_in(employee)
    assert_error(put_avatar(web, png_bytes()), 403, "csrf_failed")
    done = put_avatar(web, png_bytes(), headers={"X-CSRFToken": web.csrf})
    assert done.status_code == 200


def test_transparent_and_animated_images_are_accepted(api, employee):
    me = api(employee)
    out = io.BytesIO()
    Image.new("RGBA", (50, 80), (0, 0, 0, 0)).save(out, "PNG")
    assert put_avatar(me, out.getvalue()).status_code == 200
    frames = [Image.new("P", (30, 30), i) for i in (1, 2)]
    out = io.BytesIO()
    frames[0].save(out, "GIF", save_all=True, append_images=frames[1:])
    assert put_avatar(me, out.getvalue(), "wave.gif").status_code == 200


# --- pages ---------------------------------------------------------------------------------


def test_pages_show_the_avatar_or_initials(api, signed_in, employee, fred):
    me = api(employee)
    url = put_avatar(me, png_bytes()).get_json()["avatar_url"]
    small = url.rsplit("/", 1)[0] + "/64"
    me.post("/api/v1/posts", {"body": "hello avatars"})
    web = signed_in(fred)
    for page in ("/", f"/people/{employee.id}", "/people"):
        html = web.get(page).get_data(as_text=True)
        assert url in html or small in html, page
    assert fred.initials in web.get(f"/people/{fred.id}").get_data(as_text=True)


def test_profile_edit_page_uploads_and_removes(signed_in, employee):
    web = signed_in(employee)
    page = web.get("/me/profile").get_data(as_text=True)
    assert 'id="avatar-form"' in page and "avatars.js" in page


# --- account deletion, export, leaks -------------------------------------------------------


def test_personal_data_export_holds_the_avatar(api, employee):
    me = api(employee)
    put_avatar(me, png_bytes())
    response = me.get("/api/v1/me/export")
    with zipfile.ZipFile(io.BytesIO(response.get_data())) as archive:
        data = json.loads(archive.read("data.json"))
        assert data["avatar"]["path"] == "avatar.webp" and "storage_key" not in data["avatar"]
        assert Image.open(io.BytesIO(archive.read("avatar.webp"))).size == (160, 160)


def test_account_deletion_removes_the_avatar(api, employee, fred, storage_dir):
    from tests.conftest import PASSWORD

    me = api(employee)
    url = put_avatar(me, png_bytes()).get_json()["avatar_url"]
    assert me.delete("/api/v1/me", json_body={"password": PASSWORD}).status_code == 204
    db.session.rollback()
    assert _stored(storage_dir) == []
    assert db.session.get(User, employee.id).avatar_keys is None
    assert fetch(api(fred), url).status_code == 404
    assert api(fred).get(f"/api/v1/users/{employee.id}").get_json()["avatar_url"] is None


def test_a_deactivated_persons_avatar_follows_their_card(api, admin, employee, fred):
    """A deactivated colleague's card stays readable (their past posts name them), so does
    their face; they themself can no longer fetch anything."""
    url = put_avatar(api(employee), png_bytes()).get_json()["avatar_url"]
    token_client = api(employee)
    assert api(admin).patch(f"/api/v1/users/{employee.id}", {"active": False}).status_code == 200
    card = api(fred).get(f"/api/v1/users/{employee.id}").get_json()
    assert card["avatar_url"] == url
    assert fetch(api(fred), url).status_code == 200
    assert fetch(token_client, url).status_code == 401


def test_missing_person_and_no_avatar_are_the_same_404(api, employee, fred):
    other = api(fred)
    missing = assert_error(fetch(other, "/api/v1/users/999999/avatar/1/160"), 404)
    none = assert_error(fetch(other, f"/api/v1/users/{employee.id}/avatar/0/160"), 404)
    assert missing == none


def test_profile_edit_page_forms_work_without_javascript(signed_in, employee, storage_dir):
    web = signed_in(employee)
    boundary, body = encode_multipart(
        {"csrf_token": web.csrf, "file": FileStorage(io.BytesIO(png_bytes()), "me.png")}
    )
    sent = web.post(
        "/me/avatar", data=body, content_type=f"multipart/form-data; boundary={boundary}"
    )
    assert sent.status_code == 302
    db.session.rollback()
    assert db.session.get(User, employee.id).avatar_keys
    page = web.get("/me/profile").get_data(as_text=True)
    assert f"/api/v1/users/{employee.id}/avatar/1/160" in page
    boundary, body = encode_multipart(
        {"csrf_token": web.csrf, "file": FileStorage(io.BytesIO(b"%PDF-1.4"), "x.pdf")}
    )
    refused = web.post(
        "/me/avatar", data=body, content_type=f"multipart/form-data; boundary={boundary}"
    )
    assert refused.status_code == 302
    assert "An avatar must be an image" in web.get("/me/profile").get_data(as_text=True)
    assert web.post("/me/avatar/delete", data={"csrf_token": web.csrf}).status_code == 302
    db.session.rollback()
    assert db.session.get(User, employee.id).avatar_keys is None
    assert _stored(storage_dir) == []
