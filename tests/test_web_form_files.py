"""The post page's comment form and the post edit page take files, as the API's
``file_ids`` does (issue #15): stored and attached in one unit of work, nothing left behind
by a refused form; pages link files by ``/files/{id}/{name}``."""

from __future__ import annotations

import io

import pytest
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from socialnet.extensions import db
from socialnet.models import Comment, FileUpload
from tests.helpers import count_rows
from tests.test_files import png_bytes, upload
from tests.web import html_of


@pytest.fixture
def storage_dir(app, tmp_path):
    app.config["STORAGE_DIR"] = str(tmp_path / "uploads")
    return tmp_path / "uploads"


def _stored(storage_dir) -> list:
    return [p for p in storage_dir.rglob("*") if p.is_file()] if storage_dir.exists() else []


def _send(client, path: str, fields: dict, sent: list[tuple[bytes, str]]):
    """POST a multipart form as a browser would (encoded in memory, with the CSRF token)."""
    data = MultiDict({"csrf_token": client.csrf})
    for name, value in fields.items():
        for one in value if isinstance(value, list) else [value]:
            data.add(name, one)
    for content, name in sent:
        data.add("files", FileStorage(io.BytesIO(content), name))
    boundary, body = encode_multipart(data)
    return client.post(path, data=body, content_type=f"multipart/form-data; boundary={boundary}")


def test_the_comment_form_takes_files(signed_in, make_post, employee, fred, storage_dir):
    post = make_post(fred, "The procedure")
    client = signed_in(employee)
    page = html_of(client.get(f"/posts/{post.id}"))
    assert 'enctype="multipart/form-data"' in page and 'name="files"' in page
    sent = _send(
        client,
        f"/posts/{post.id}/comments",
        {"body": "Here are the notes"},
        [(b"minutes of the day", "minutes.txt"), (png_bytes(), "board.png")],
    )
    assert sent.status_code == 302, html_of(sent)
    comment = db.session.query(Comment).one()
    attached = db.session.query(FileUpload).order_by(FileUpload.position).all()
    assert [(f.name, f.comment_id, f.uploader_id) for f in attached] == [
        ("minutes.txt", comment.id, employee.id),
        ("board.png", comment.id, employee.id),
    ]
    page = html_of(signed_in(fred).get(f"/posts/{post.id}"))
    assert f'href="/files/{attached[0].id}/minutes.txt"' in page
    assert f'src="/files/{attached[1].id}/thumb/640"' in page


def test_a_refused_comment_form_leaves_no_file(signed_in, make_post, employee, fred, storage_dir):
    post = make_post(fred, "The procedure")
    client = signed_in(employee)
    cases = (
        ({"body": ""}, [(b"notes", "notes.txt")]),  # no text: the comment is refused
        ({"body": "ok"}, [(b"<svg xmlns='http://www.w3.org/2000/svg'/>", "x.svg")]),
        ({"body": "ok"}, [(b"", "empty.txt")]),
        ({"body": "ok"}, [(b"notes", "notes.txt"), (b"MZ\x90\x00" + b"\x00" * 64, "a.pdf")]),
    )
    for fields, sent in cases:
        answer = _send(client, f"/posts/{post.id}/comments", fields, sent)
        assert answer.status_code in (400, 415), (fields, answer.status_code)
        assert 'class="flash flash-error"' in html_of(answer)
        assert count_rows(FileUpload) == 0 and count_rows(Comment) == 0
        assert _stored(storage_dir) == []


def test_the_edit_page_keeps_removes_and_adds_files(api, signed_in, employee, storage_dir):
    me = api(employee)
    first = upload(me, b"first", "first.txt").get_json()
    second = upload(me, b"second", "second.txt").get_json()
    pid = me.post("/api/v1/posts", {"body": "Docs", "file_ids": [first["id"], second["id"]]})
    pid = pid.get_json()["id"]
    client = signed_in(employee)
    page = html_of(client.get(f"/posts/{pid}/edit"))
    assert f'name="keep_file" value="{first["id"]}" checked' in page
    assert f'href="/files/{second["id"]}/second.txt"' in page
    sent = _send(
        client,
        f"/posts/{pid}/edit",
        {"body": "Docs, updated", "keep_file": [str(second["id"])]},
        [(b"third", "third.txt")],
    )
    assert sent.status_code == 302, html_of(sent)
    db.session.expire_all()
    names = [
        f.name
        for f in db.session.query(FileUpload).filter_by(post_id=pid).order_by(FileUpload.position)
    ]
    assert names == ["second.txt", "third.txt"]
    assert db.session.get(FileUpload, first["id"]) is None  # removed, bytes and row
    assert len(_stored(storage_dir)) == 2
    # the text alone: ticked files stay
    again = _send(
        client, f"/posts/{pid}/edit", {"body": "Docs", "keep_file": [str(second["id"])]}, []
    )
    assert again.status_code == 302
    assert count_rows(FileUpload) == 1


def test_the_edit_page_refuses_someone_elses_file(api, signed_in, employee, fred, storage_dir):
    theirs = upload(api(fred), b"fred's", "fred.txt").get_json()
    me = api(employee)
    pid = me.post("/api/v1/posts", {"body": "Mine"}).get_json()["id"]
    client = signed_in(employee)
    sent = _send(
        client,
        f"/posts/{pid}/edit",
        {"body": "Mine, with Fred's", "keep_file": [str(theirs["id"])]},
        [(b"new", "new.txt")],
    )
    assert sent.status_code == 400 and 'class="flash flash-error"' in html_of(sent)
    db.session.expire_all()
    assert db.session.get(FileUpload, theirs["id"]).post_id is None
    assert count_rows(FileUpload) == 1 and len(_stored(storage_dir)) == 1
