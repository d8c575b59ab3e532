"""Files: upload, type sniffing, image cleaning, attaching, access, cleanup, bad input."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import timedelta

import pytest
from PIL import Image
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from socialnet.extensions import db
from socialnet.jobs import run_due_jobs
from socialnet.models import FileUpload, GroupMembership
from socialnet.models._time import utcnow
from socialnet.storage import get_storage
from tests.helpers import assert_error, count_rows
from tests.test_feed import count_statements


@pytest.fixture(autouse=True)
def storage_dir(app, tmp_path):
    app.config["STORAGE_DIR"] = str(tmp_path / "uploads")
    return tmp_path / "uploads"


def _stored(storage_dir) -> list:
    return [p for p in storage_dir.rglob("*") if p.is_file()] if storage_dir.exists() else []


def png_bytes(size=(40, 30), color=(200, 10, 10)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "PNG")
    return out.getvalue()


def _jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (60, 40), (10, 120, 200))
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: rotate 90° to display
    exif[0x010F] = "SpyCam"
    exif[0x8825] = {2: (48.0, 51.0, 24.0), 1: "N"}  # GPS IFD
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def _docx() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
    return out.getvalue()


def fetch(client, url: str, **kw):
    """GET a file and close the response (it holds the file open)."""
    response = client.get(url, **kw)
    response.get_data()
    response.close()
    return response


def upload(client, data: bytes, name: str = "file.bin"):
    # encoded here, in memory: the test client would spool a large body to a temporary
    # file it never closes
    boundary, body = encode_multipart({"file": FileStorage(io.BytesIO(data), name)})
    return client.call(
        "POST",
        "/api/v1/files",
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
    )


def test_upload_image_returns_the_file_and_serves_it(api, employee, storage_dir):
    me = api(employee)
    response = upload(me, png_bytes(), "team.png")
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert set(body) == {
        "id",
        "name",
        "size",
        "content_type",
        "url",
        "thumbnail_url",
        "width",
        "height",
    }
    assert body["content_type"] == "image/png"
    assert (body["width"], body["height"]) == (40, 30)
    assert len(_stored(storage_dir)) == 2  # the image and its thumbnail

    got = fetch(me, body["url"])
    assert got.status_code == 200
    assert got.mimetype == "image/png"
    assert got.headers["X-Content-Type-Options"] == "nosniff"
    assert got.headers["Content-Security-Policy"] == "sandbox; default-src 'none'"
    assert got.headers["Content-Disposition"].startswith("inline")
    assert "no-store" in got.headers["Cache-Control"] or "private" in got.headers["Cache-Control"]
    thumb = fetch(me, body["thumbnail_url"])
    assert thumb.status_code == 200 and thumb.mimetype == "image/webp"

    ranged = fetch(me, body["url"], headers={"Range": "bytes=0-9"})
    assert ranged.status_code == 206 and len(ranged.data) == 10


def test_documents_are_attachments_and_typed_by_content(api, employee):
    me = api(employee)
    pdf = upload(me, b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF", "procedure.pdf")
    assert pdf.status_code == 201
    assert pdf.get_json()["content_type"] == "application/pdf"
    assert pdf.get_json()["thumbnail_url"] is None
    got = fetch(me, pdf.get_json()["url"])
    assert got.headers["Content-Disposition"].startswith("attachment")
    docx = upload(me, _docx(), "notes.docx").get_json()
    assert docx["content_type"].endswith("wordprocessingml.document")
    csv = upload(me, "name;site\nÉmile;Lyon\n".encode(), "people.csv").get_json()
    assert csv["content_type"] == "text/csv"
    text = upload(me, b"plain words", "readme").get_json()
    assert text["content_type"] == "text/plain"


def test_exif_and_gps_are_stripped_and_orientation_applied(api, employee):
    me = api(employee)
    body = upload(me, _jpeg_with_gps(), "photo.jpg").get_json()
    assert (body["width"], body["height"]) == (40, 60)  # rotated upright
    served = Image.open(io.BytesIO(fetch(me, body["url"]).data))
    exif = served.getexif()
    assert 0x8825 not in exif and 0x010F not in exif and 0x0112 not in exif
    assert b"SpyCam" not in fetch(me, body["url"]).data


def test_animated_gif_stays_animated(api, employee):
    frames = [Image.new("RGB", (20, 20), (i * 100, 0, 0)) for i in range(3)]
    out = io.BytesIO()
    frames[0].save(out, "GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)
    me = api(employee)
    body = upload(me, out.getvalue(), "wave.gif").get_json()
    assert body["content_type"] == "image/gif"
    assert fetch(me, body["url"]).data == out.getvalue()
    assert fetch(me, body["thumbnail_url"]).status_code == 200


# --- bad input ---------------------------------------------------------------------------


def _bomb() -> bytes:
    """A small PNG whose header claims 50,000 × 50,000 pixels."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = struct.pack(">I", zlib.crc32(kind + data))
        return struct.pack(">I", len(data)) + kind + data + crc

    header = struct.pack(">IIBBBBB", 50_000, 50_000, 8, 0, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 1000)
    chunks = chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")
    return b"\x89PNG\r\n\x1a\n" + chunks


@pytest.mark.parametrize(
    ("data", "name", "status", "code"),
    [
        (b"", "empty.txt", 400, "empty_file"),
        (b"MZ\x90\x00" + b"%PDF-1.4" + b"\x00" * 100, "invoice.pdf", 415, "unsupported_type"),
        (b"\x7fELF\x02\x01" + b"\x00" * 50, "report.pdf", 415, "unsupported_type"),
        (b'<svg xmlns="http://www.w3.org/2000/svg"><script>1</script></svg>', "a.svg", 415, None),
        (b"<!DOCTYPE html><html><script>alert(1)</script></html>", "page.txt", 415, None),
        (b"\x00\x01\x02binary junk", "data.bin", 415, None),
        (b"PK\x03\x04not really a zip", "fake.docx", 415, None),
    ],
)
def test_refused_uploads_write_nothing(api, employee, storage_dir, data, name, status, code):
    response = upload(api(employee), data, name)
    body = assert_error(response, status, code)
    assert body["message"]
    assert count_rows(FileUpload) == 0
    assert _stored(storage_dir) == []


def test_decompression_bomb_and_truncated_jpeg_are_refused(api, employee, storage_dir):
    me = api(employee)
    assert_error(upload(me, _bomb(), "huge.png"), 400, "image_too_large")
    truncated = _jpeg_with_gps()[:200]
    assert_error(upload(me, truncated, "cut.jpg"), 400, "bad_image")
    assert count_rows(FileUpload) == 0
    assert _stored(storage_dir) == []


def test_too_large_is_413_with_a_message(app, api, employee, storage_dir):
    app.config["MAX_UPLOAD_MB"] = 1
    body = assert_error(upload(api(employee), b"a" * (1024 * 1024 + 10), "big.txt"), 413)
    assert "1 MB" in body["message"]
    assert count_rows(FileUpload) == 0


def test_daily_quota(app, api, employee):
    app.config["UPLOAD_DAILY_QUOTA_MB"] = 1
    me = api(employee)
    assert upload(me, b"a" * (700 * 1024), "one.txt").status_code == 201
    assert_error(upload(me, b"b" * (700 * 1024), "two.txt"), 429, "quota_exceeded")


def test_missing_field(api, employee):
    response = api(employee).call(
        "POST", "/api/v1/files", data={"other": "x"}, content_type="multipart/form-data"
    )
    assert_error(response, 400)


def test_hostile_name_is_sanitised(api, employee):
    name = "../" * 50 + "\x00\x1b[31m" + "x" * 500 + ".pdf"
    body = upload(api(employee), b"%PDF-1.4 hello", name).get_json()
    assert "/" not in body["name"] and ".." not in body["name"]
    assert not any(ord(c) < 32 for c in body["name"])
    assert len(body["name"]) <= 200 and body["name"].endswith(".pdf")


# --- attaching ---------------------------------------------------------------------------


def _ids(client, n: int) -> list[int]:
    return [upload(client, f"note {i}".encode(), f"n{i}.txt").get_json()["id"] for i in range(n)]


def test_a_new_post_given_no_files_answers_none_without_looking_for_them(api, employee):
    me = api(employee)
    ids = _ids(me, 1)
    with count_statements() as plain:
        post = me.post("/api/v1/posts", {"body": "No attachment"})
    assert post.status_code == 201 and post.get_json()["files"] == []
    assert not [s for s in plain if "file_uploads" in s]
    with count_statements() as given:
        post = me.post("/api/v1/posts", {"body": "One attachment", "file_ids": ids})
    assert [f["id"] for f in post.get_json()["files"]] == ids  # looked up: it has one
    assert [s for s in given if "file_uploads" in s]


def test_files_given_to_a_post_rolled_back_are_forgotten_with_it(app, employee, storage_dir):
    from socialnet.services.files import do_attach, do_upload, files_for_new_posts
    from socialnet.services.posts import do_create_post

    with app.test_request_context():  # file dicts carry URLs
        post = do_create_post(employee, {"body": "soon gone"})
        pid, upload = post.id, do_upload(employee, "x.txt", b"some notes")
        do_attach(employee, [upload.id], post=post)
        assert [f["id"] for f in files_for_new_posts([pid])[pid]] == [upload.id]
        db.session.rollback()
    with count_statements() as seen:
        assert files_for_new_posts([pid]) == {pid: []}
    assert seen == []


def test_attach_to_post_and_comment_and_edit_replaces(api, employee, fred, storage_dir):
    me = api(employee)
    ids = _ids(me, 3)
    post = me.post("/api/v1/posts", {"body": "Docs", "file_ids": ids[:2]})
    assert post.status_code == 201, post.get_json()
    assert [f["id"] for f in post.get_json()["files"]] == ids[:2]
    feed = api(fred).get("/api/v1/feed").get_json()["items"]
    assert [f["name"] for f in feed[0]["files"]] == ["n0.txt", "n1.txt"]
    assert fetch(api(fred), post.get_json()["files"][0]["url"]).status_code == 200

    pid = post.get_json()["id"]
    edited = me.patch(f"/api/v1/posts/{pid}", {"body": "Docs v2", "file_ids": [ids[2], ids[0]]})
    assert edited.status_code == 200, edited.get_json()
    assert [f["id"] for f in me.get(f"/api/v1/posts/{pid}").get_json()["files"]] == [
        ids[2],
        ids[0],
    ]
    assert db.session.get(FileUpload, ids[1]) is None  # removed from the post: deleted
    assert len(_stored(storage_dir)) == 2

    extra = _ids(me, 1)
    comment = me.post(f"/api/v1/posts/{pid}/comments", {"body": "and this", "file_ids": extra})
    assert comment.status_code == 201
    assert [f["id"] for f in comment.get_json()["files"]] == extra
    listed = api(fred).get(f"/api/v1/posts/{pid}/comments").get_json()["items"]
    assert [f["id"] for f in listed[0]["files"]] == extra
    doomed = _ids(me, 1)
    gone = me.post(f"/api/v1/posts/{pid}/comments", {"body": "oops", "file_ids": doomed})
    assert me.delete(f"/api/v1/comments/{gone.get_json()['id']}").status_code in (200, 204)
    db.session.rollback()
    assert db.session.get(FileUpload, doomed[0]) is None
    assert len(_stored(storage_dir)) == 3

    assert me.delete(f"/api/v1/posts/{pid}").status_code == 204
    db.session.rollback()
    assert count_rows(FileUpload) == 0
    assert _stored(storage_dir) == []


def test_attach_bad_input(api, employee, fred):
    me = api(employee)
    ids = _ids(me, 11)
    assert_error(me.post("/api/v1/posts", {"body": "x", "file_ids": ids}), 400)
    assert_error(me.post("/api/v1/posts", {"body": "x", "file_ids": [ids[0], ids[0]]}), 400)
    assert_error(me.post("/api/v1/posts", {"body": "x", "file_ids": "1"}), 400)
    theirs = _ids(api(fred), 1)
    assert_error(me.post("/api/v1/posts", {"body": "x", "file_ids": theirs}), 400)
    assert_error(me.post("/api/v1/posts", {"body": "x", "file_ids": [999999]}), 400)
    assert me.post("/api/v1/posts", {"body": "x", "file_ids": ids[:1]}).status_code == 201
    again = me.post("/api/v1/posts", {"body": "y", "file_ids": ids[:1]})
    assert_error(again, 400)
    assert len(me.get("/api/v1/feed").get_json()["items"]) == 1  # nothing half-written


# --- access ------------------------------------------------------------------------------


def test_unattached_upload_is_its_uploaders_only(api, employee, fred):
    body = upload(api(employee), b"draft", "draft.txt").get_json()
    assert_error(fetch(api(fred), body["url"]), 404)
    assert_error(fetch(api(None), body["url"]), 401)
    assert fetch(api(employee), body["url"]).status_code == 200


def test_file_follows_its_post_visibility(api, employee, fred, make_group):
    group = make_group("Board", visibility="public", members=(employee, fred))
    me = api(employee)
    [fid] = _ids(me, 1)
    post = me.post("/api/v1/posts", {"body": "Minutes", "group_id": group.id, "file_ids": [fid]})
    url = post.get_json()["files"][0]["url"]
    assert fetch(api(fred), url).status_code == 200
    db.session.execute(GroupMembership.__table__.delete().where(GroupMembership.user_id == fred.id))
    group.visibility = "secret"
    db.session.commit()
    assert_error(fetch(api(fred), url), 404)
    assert fetch(api(employee), url).status_code == 200


def test_stale_uploads_are_removed_by_the_job_loop(api, employee, storage_dir):
    me = api(employee)
    [old, recent] = _ids(me, 2)
    db.session.get(FileUpload, old).created_at = utcnow() - timedelta(hours=25)
    db.session.commit()
    done = run_due_jobs()
    assert done["stale_uploads_removed"] == 1
    assert db.session.get(FileUpload, old) is None
    assert db.session.get(FileUpload, recent) is not None
    assert len(_stored(storage_dir)) == 1
    assert get_storage().exists(db.session.get(FileUpload, recent).storage_key)


# --- pages -------------------------------------------------------------------------------


def _multipart(data: bytes, name: str) -> tuple[bytes, str]:
    boundary, body = encode_multipart({"file": FileStorage(io.BytesIO(data), name)})
    return body, f"multipart/form-data; boundary={boundary}"


def test_upload_with_the_session_cookie_needs_the_csrf_token(signed_in, employee):
    web = signed_in(employee)
    body, content_type = _multipart(b"hello", "hello.txt")
    refused = web.post("/api/v1/files", data=body, content_type=content_type)
    assert_error(refused, 403, "csrf_failed")
    assert count_rows(FileUpload) == 0
    body, content_type = _multipart(b"hello", "hello.txt")
    done = web.post(
        "/api/v1/files", data=body, content_type=content_type, headers={"X-CSRFToken": web.csrf}
    )
    assert done.status_code == 201, done.get_json()


def test_feed_and_post_pages_show_attachments(api, signed_in, employee, fred):
    me = api(employee)
    image = upload(me, png_bytes(), "team.png").get_json()
    doc = upload(me, b"%PDF-1.4 procedure", "procedure.pdf").get_json()
    post = me.post("/api/v1/posts", {"body": "Our team", "file_ids": [image["id"], doc["id"]]})
    pid = post.get_json()["id"]
    note = upload(me, b"notes", "notes.txt").get_json()
    me.post(f"/api/v1/posts/{pid}/comments", {"body": "notes", "file_ids": [note["id"]]})

    browser = signed_in(fred)
    page = browser.get("/").get_data(as_text=True)
    # pages link the browser's routes (GET /files/{id}/{name}), never the API's
    assert f'src="/files/{image["id"]}/thumb/640"' in page
    assert f'href="/files/{image["id"]}/team.png"' in page
    assert f'href="/files/{doc["id"]}/procedure.pdf"' in page and "procedure.pdf" in page
    assert "/api/v1/files/" not in page and "files.js" in page
    permalink = browser.get(f"/posts/{pid}").get_data(as_text=True)
    assert f'href="/files/{note["id"]}/notes.txt"' in permalink and "1 KB" in permalink
    assert "/api/v1/files/" not in permalink
    thumb = browser.get(f"/files/{image['id']}/thumb/640")
    assert thumb.status_code == 200 and thumb.mimetype == "image/webp"
    assert thumb.headers["X-Content-Type-Options"] == "nosniff"
    thumb.close()
    assert browser.get(f"/files/{doc['id']}/thumb/640").status_code == 404  # not an image


def test_the_browser_thumbnail_is_as_private_as_its_post(
    api, signed_in, employee, fred, make_group
):
    group = make_group("Board", visibility="private", members=(employee,))
    me = api(employee)
    image = upload(me, png_bytes(), "board.png").get_json()
    sent = me.post("/api/v1/posts", {"body": "x", "file_ids": [image["id"]], "group_id": group.id})
    assert sent.status_code == 201
    url = f"/files/{image['id']}/thumb/640"
    mine = signed_in(employee).get(url)
    assert mine.status_code == 200
    mine.close()
    assert signed_in(fred).get(url).status_code == 404
    assert signed_in(fred).get(f"/files/{image['id'] + 1000}/thumb/640").status_code == 404


# --- account deletion --------------------------------------------------------------------


@pytest.mark.parametrize(("mode", "kept"), [("anonymise", 1), ("remove", 0)])
def test_account_deletion_removes_files(api, admin, employee, storage_dir, mode, kept):
    from tests.conftest import PASSWORD

    me = api(employee)
    [attached, loose] = _ids(me, 2)
    assert me.post("/api/v1/posts", {"body": "x", "file_ids": [attached]}).status_code == 201
    api(admin).patch("/api/v1/admin/settings", {"account_deletion": mode})
    assert me.delete("/api/v1/me", json_body={"password": PASSWORD}).status_code == 204
    db.session.rollback()
    assert db.session.get(FileUpload, loose) is None
    assert count_rows(FileUpload) == kept
    assert len(_stored(storage_dir)) == kept


def test_personal_data_export_holds_the_persons_files(api, employee):
    me = api(employee)
    [fid] = _ids(me, 1)
    response = me.get("/api/v1/me/export")
    assert response.status_code == 200
    with zipfile.ZipFile(io.BytesIO(response.get_data())) as archive:
        data = json.loads(archive.read("data.json"))
        [entry] = data["files"]
        assert entry["id"] == fid and entry["name"] == "n0.txt" and "storage_key" not in entry
        assert archive.read(entry["path"]) == b"note 0"


# --- a group's files ---------------------------------------------------------------------


def test_group_files_list_and_page(api, signed_in, employee, fred, manager, make_group):
    group = make_group("Quality", visibility="private", members=(employee, manager))
    me = api(employee)
    [on_post, on_comment, elsewhere] = _ids(me, 3)
    post = me.post("/api/v1/posts", {"body": "Audit", "group_id": group.id, "file_ids": [on_post]})
    pid = post.get_json()["id"]
    me.post(f"/api/v1/posts/{pid}/comments", {"body": "and", "file_ids": [on_comment]})
    me.post("/api/v1/posts", {"body": "company-wide", "file_ids": [elsewhere]})

    listed = api(manager).get(f"/api/v1/groups/{group.id}/files?limit=1")
    assert listed.status_code == 200
    first = listed.get_json()
    assert [i["file"]["id"] for i in first["items"]] == [on_comment]
    assert first["items"][0]["post_id"] == pid
    assert first["items"][0]["uploader"]["id"] == employee.id
    second = api(manager).get(
        f"/api/v1/groups/{group.id}/files?limit=1&cursor={first['next_cursor']}"
    )
    assert [i["file"]["id"] for i in second.get_json()["items"]] == [on_post]
    assert_error(api(fred).get(f"/api/v1/groups/{group.id}/files"), 403)

    page = signed_in(manager).get(f"/groups/{group.id}/files").get_data(as_text=True)
    assert "n0.txt" in page and "n1.txt" in page and "n2.txt" not in page
    assert signed_in(fred).get(f"/groups/{group.id}/files").status_code == 403
    group_page = signed_in(manager).get(f"/groups/{group.id}").get_data(as_text=True)
    assert f"/groups/{group.id}/files" in group_page


def test_polyglots_are_defused(api, employee):
    """An image that is also HTML loses its payload when re-encoded; a PDF that also
    holds HTML is only ever served as a sandboxed, unsniffed attachment."""
    me = api(employee)
    payload = b"<html><script>alert(document.cookie)</script></html>"
    image = upload(me, png_bytes() + payload, "cat.png").get_json()
    stored = fetch(me, image["url"])
    assert stored.status_code == 200 and payload not in stored.get_data()
    pdf = upload(me, b"%PDF-1.4\n" + payload, "report.pdf").get_json()
    assert pdf["content_type"] == "application/pdf"
    served = fetch(me, pdf["url"])
    assert served.headers["Content-Type"] == "application/pdf"
    assert served.headers["Content-Disposition"].startswith("attachment")
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    assert served.headers["Content-Security-Policy"] == "sandbox; default-src 'none'"
