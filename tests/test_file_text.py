"""The words of files in search: extraction by the job loop (bounded, failures recorded,
idempotent) and files found by name and text, only where their post may be read."""

from __future__ import annotations

import io
import zipfile

import pytest
from docx import Document
from sqlalchemy import create_engine, inspect, text

from socialnet.extensions import db
from socialnet.jobs import run_due_jobs
from socialnet.models import FileUpload
from socialnet.services import file_text
from socialnet.services.file_text_worker import DOCX, MAX_UNZIPPED_BYTES, ExtractionError, extract
from tests.helpers import assert_error
from tests.test_files import upload
from tests.test_migrations import _flask_db, scratch_database_url  # noqa: F401 (fixture)

API = "/api/v1"


@pytest.fixture(autouse=True)
def storage_dir(app, tmp_path):
    app.config["STORAGE_DIR"] = str(tmp_path / "uploads")
    return tmp_path / "uploads"


def pdf_bytes(pages: list[str]) -> bytes:
    """A small valid PDF with one line of text on each page."""
    count = len(pages)
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids ["
        + " ".join(f"{4 + 2 * i} 0 R" for i in range(count))
        + f"] /Count {count} >>",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    for i, words in enumerate(pages):
        stream = f"BT /F1 12 Tf 72 720 Td ({words}) Tj ET"
        objects.append(
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
            f"/Resources << /Font << /F1 3 0 R >> >> /Contents {5 + 2 * i} 0 R >>"
        )
        objects.append(f"<< /Length {len(stream)} >>\nstream\n{stream}\nendstream")
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n{body}\nendobj\n".encode("latin-1"))
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return out.getvalue()


def docx_bytes(paragraphs: list[str], cell: str = "") -> bytes:
    document = Document()
    for words in paragraphs:
        document.add_paragraph(words)
    if cell:
        document.add_table(rows=1, cols=1).cell(0, 0).text = cell
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _upload(client, data: bytes, name: str) -> int:
    response = upload(client, data, name)
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


def _post_with(client, file_ids: list[int], group_id: int | None = None, body: str = "Docs"):
    response = client.post(
        f"{API}/posts", {"body": body, "group_id": group_id, "file_ids": file_ids}
    )
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def _status(file_id: int) -> tuple[str, str | None]:
    db.session.expire_all()
    f = db.session.get(FileUpload, file_id)
    return f.text_status, f.text_error


def _search(client, q: str, **params) -> list[dict]:
    query = "&".join(f"{k}={v}" for k, v in {"q": q, "type": "files", **params}.items())
    response = client.get(f"{API}/search?{query}")
    assert response.status_code == 200, response.get_json()
    return response.get_json()["items"]


# --- extraction ---------------------------------------------------------------------------


def test_pdf_docx_and_text_are_read_by_the_job_loop_not_the_upload(api, employee):
    me = api(employee)
    pdf = _upload(me, pdf_bytes(["Evacuation procedure", "Assembly point"]), "procedure.pdf")
    doc = _upload(me, docx_bytes(["Onboarding checklist"], cell="Badge office"), "guide.docx")
    txt = _upload(me, "# Notes\nRétrospective du sprint\n".encode(), "notes.md")
    png = _upload(me, _png(), "photo.png")
    assert [_status(i)[0] for i in (pdf, doc, txt, png)] == ["pending"] * 3 + ["none"]

    done = run_due_jobs()

    assert done["file_texts_extracted"] == 3
    db.session.expire_all()
    texts = {i: db.session.get(FileUpload, i).text for i in (pdf, doc, txt)}
    assert "Evacuation procedure" in texts[pdf] and "Assembly point" in texts[pdf]
    assert "Onboarding checklist" in texts[doc] and "Badge office" in texts[doc]
    assert "Rétrospective du sprint" in texts[txt]
    assert [_status(i) for i in (pdf, doc, txt)] == [("done", None)] * 3
    assert _status(png) == ("none", None)
    assert run_due_jobs()["file_texts_extracted"] == 0  # idempotent: nothing read twice


def _png() -> bytes:
    from tests.test_files import png_bytes

    return png_bytes()


@pytest.mark.parametrize(
    ("data", "name", "reason"),
    [
        (b"%PDF-1.4\n1 0 obj garbage \x00\xff endobj", "broken.pdf", "unreadable PDF"),
        (None, "fake.docx", "unreadable document"),
    ],
    ids=["damaged-pdf", "damaged-docx"],
)
def test_a_file_that_cannot_be_read_is_recorded_as_failed(api, employee, data, name, reason):
    if data is None:  # a docx by its parts, whose document is not XML
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as z:
            z.writestr("[Content_Types].xml", "<Types/>")
            z.writestr("word/document.xml", "not xml <")
        data = out.getvalue()
    me = api(employee)
    file_id = _upload(me, data, name)
    done = run_due_jobs()
    assert done["file_texts_extracted"] == 1
    status, error = _status(file_id)
    assert status == "failed" and reason in error
    post = _post_with(me, [file_id])  # the file is still a file: downloadable, attached
    assert post["files"][0]["id"] == file_id


def test_extraction_is_bounded_in_pages_characters_and_time(app, api, employee):
    me = api(employee)
    app.config.update(FILE_TEXT_MAX_PAGES=2, FILE_TEXT_MAX_CHARS=30)
    pages = _upload(me, pdf_bytes(["alpha page", "bravo page", "charlie page"]), "three.pdf")
    long = _upload(me, ("word " * 1000).encode(), "long.txt")
    run_due_jobs()
    db.session.expire_all()
    text = db.session.get(FileUpload, pages).text
    assert "alpha" in text and "bravo" in text and "charlie" not in text
    assert len(db.session.get(FileUpload, long).text) == 30

    app.config.update(FILE_TEXT_TIMEOUT_SECONDS=0.001)
    slow = _upload(me, pdf_bytes(["too slow"]), "slow.pdf")
    run_due_jobs()
    status, error = _status(slow)
    assert status == "failed" and "longer than" in error


def test_a_zip_bomb_docx_is_refused_before_parsing():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", b"\x20" * (MAX_UNZIPPED_BYTES + 1))
    with pytest.raises(ExtractionError, match="too large once unpacked"):
        extract(DOCX, out.getvalue(), 10, 1000)


def test_text_is_cleaned_of_what_the_database_refuses():
    raw = "Nul\x00byte\ud800 and\x1b escape\n\n\n  spaced   out".encode("utf-8", "surrogatepass")
    assert extract("text/plain", raw, 1, 1000) == "Nul byte and escape\nspaced out"


def test_failed_files_can_be_queued_again_from_the_command_line(app, api, employee):
    me = api(employee)
    app.config.update(FILE_TEXT_TIMEOUT_SECONDS=0.001)
    file_id = _upload(me, pdf_bytes(["second chance"]), "retry.pdf")
    run_due_jobs()
    assert _status(file_id)[0] == "failed"
    app.config.update(FILE_TEXT_TIMEOUT_SECONDS=20.0)
    result = app.test_cli_runner().invoke(args=["search", "retry-files"])
    assert result.exit_code == 0 and "files queued again: 1" in result.output
    assert _status(file_id) == ("pending", None)
    run_due_jobs()
    assert _status(file_id) == ("done", None)


def test_missing_bytes_are_a_recorded_failure_not_a_crash(api, employee, storage_dir):
    me = api(employee)
    file_id = _upload(me, b"minutes of the meeting", "minutes.txt")
    for stored in storage_dir.rglob("*"):
        if stored.is_file():
            stored.unlink()
    run_due_jobs()
    assert _status(file_id) == ("failed", "the stored bytes are missing")


def test_two_passes_at_once_record_once(api, employee):
    me = api(employee)
    file_id = _upload(me, b"quarterly figures", "figures.txt")
    [item] = file_text.pending(10)
    outcome = file_text.extract(item)
    assert file_text.do_record(item, outcome) is True
    assert file_text.do_record(item, outcome) is False  # the second pass finds it done
    db.session.commit()
    assert _status(file_id) == ("done", None)


# --- search -------------------------------------------------------------------------------


def test_files_are_found_by_name_and_text_with_snippets(api, employee, fred):
    me = api(employee)
    pdf = _upload(me, pdf_bytes(["Fire evacuation procedure for the Lyon site"]), "safety.pdf")
    named = _upload(me, _png(), "organigramme_2027-v2.png")
    _post_with(me, [pdf, named])
    run_due_jobs()

    [hit] = _search(api(fred), "evacuation")
    assert hit["type"] == "file" and hit["id"] == pdf
    assert "<mark>evacuation</mark>" in hit["snippet"]
    entry = hit["object"]
    assert entry["file"]["name"] == "safety.pdf" and entry["uploader"]["id"] == employee.id
    assert entry["post_url"] == f"/posts/{entry['post_id']}"
    assert [h["id"] for h in _search(api(fred), "organigramme 2027")] == [named]
    everything = api(fred).get(f"{API}/search?q=evacuation").get_json()["items"]
    assert ("file", pdf) in {(h["type"], h["id"]) for h in everything}


def test_a_file_is_found_only_where_its_post_or_comment_may_be_read(
    api, employee, fred, make_group
):
    group = make_group("Board", visibility="private", members=(employee,))
    me = api(employee)
    on_post = _upload(me, b"confidential merger plan", "merger.txt")
    post = _post_with(me, [on_post], group_id=group.id)
    on_comment = _upload(me, b"merger appendix", "appendix.txt")
    comment = me.post(
        f"{API}/posts/{post['id']}/comments", {"body": "annex", "file_ids": [on_comment]}
    )
    assert comment.status_code == 201
    unattached = _upload(me, b"merger draft", "draft.txt")
    run_due_jobs()

    assert {h["id"] for h in _search(me, "merger")} == {on_post, on_comment}
    assert _search(api(fred), "merger") == []
    assert _search(api(fred), "merger", group_id=group.id) == []
    assert unattached not in {h["id"] for h in _search(me, "draft")}

    assert me.delete(f"{API}/comments/{comment.get_json()['id']}").status_code == 204
    assert {h["id"] for h in _search(me, "merger")} == {on_post}


def test_file_search_filters_and_bad_input(api, employee, manager):
    me = api(employee)
    mine = _upload(me, b"budget forecast", "budget.txt")
    _post_with(me, [mine])
    boss = api(manager)
    theirs = _upload(boss, b"budget review", "review.txt")
    _post_with(boss, [theirs])
    run_due_jobs()
    assert [h["id"] for h in _search(me, "budget", author_id=employee.id)] == [mine]
    assert {h["id"] for h in _search(me, "budget")} == {mine, theirs}
    assert_error(me.get(f"{API}/search?q=&type=files"), 400)
    assert_error(me.get(f"{API}/search?q=budget&type=file"), 400)


def test_search_page_has_a_files_tab(auth, employee, api):
    me = api(employee)
    _post_with(me, [_upload(me, b"holiday rota for december", "rota.txt")])
    run_due_jobs()
    web = auth.login(employee)
    page = web.get("/search?q=rota&type=files").get_data(as_text=True)
    assert "rota.txt" in page and "<mark>rota</mark>" in page
    assert "/search?q=rota&amp;type=files" in page


# --- the migration --------------------------------------------------------------------------


def test_migration_queues_existing_files_and_indexes_their_names(scratch_database_url):  # noqa: F811
    """c1f2a3b4d5e6 on a database with files: PDFs wait for the job loop, images do not;
    names are found at once; new rows are indexed by the database; downgrade removes it."""
    _flask_db(scratch_database_url, "upgrade", "5a1c3e7b9d20")
    engine = create_engine(scratch_database_url)
    user = (
        "INSERT INTO users (id, email, handle, display_name, password_hash, job_title,"
        " department, site, role, active, celebrate_birthday, leaderboard_opt_out,"
        " session_epoch, created_at, handle_key, name_key, search_key, pronouns, phone,"
        " about, about_html, languages, location_detail, avatar_version, language)"
        " VALUES (1, 'j@x.example', 'julie', 'Julie', 'x', '', '', '', 'employee', TRUE,"
        " FALSE, FALSE, 0, CURRENT_TIMESTAMP, 'julie', 'julie', 'julie', '', '', '', '',"
        " '[]', '', 0, NULL)"
    )
    upload = (
        "INSERT INTO file_uploads (id, uploader_id, name, size, content_type, sha256,"
        " storage_key, position, created_at) VALUES (:id, 1, :name, 1, :type, 'x', :key, 0,"
        " CURRENT_TIMESTAMP)"
    )
    sqlite = engine.dialect.name == "sqlite"
    found = (
        "SELECT rowid FROM search_files WHERE search_files MATCH :q ORDER BY rowid"
        if sqlite
        else "SELECT id FROM file_uploads WHERE search_vector @@"
        " to_tsquery('socialnet_search', :q) ORDER BY id"
    )
    try:
        with engine.begin() as conn:
            conn.execute(text(user))
            conn.execute(
                text(upload),
                {"id": 1, "name": "budget_2027.pdf", "type": "application/pdf", "key": "a"},
            )
            conn.execute(
                text(upload), {"id": 2, "name": "team.png", "type": "image/png", "key": "b"}
            )
        _flask_db(scratch_database_url, "upgrade", "c1f2a3b4d5e6")
        with engine.begin() as conn:
            statuses = conn.execute(text("SELECT text_status FROM file_uploads ORDER BY id"))
            assert statuses.scalars().all() == ["pending", "none"]
            assert conn.execute(text(found), {"q": "budget"}).scalars().all() == [1]
            conn.execute(text("UPDATE file_uploads SET text = 'forecast' WHERE id = 2"))
            assert conn.execute(text(found), {"q": "forecast"}).scalars().all() == [2]
        _flask_db(scratch_database_url, "downgrade", "5a1c3e7b9d20")
        with engine.connect() as conn:
            columns = {c["name"] for c in inspect(conn).get_columns("file_uploads")}
            assert not {"text", "text_status", "text_error", "search_vector"} & columns
            assert "search_files" not in inspect(conn).get_table_names()
    finally:
        engine.dispose()


# --- GET /files/{id}/{name}: the path, for a signed-in browser ------------------------


def test_the_browser_route_serves_a_file_exactly_as_the_api(auth, api, employee, fred, make_group):
    group = make_group("Board", visibility="private", members=(employee,))
    me = api(employee)
    file_id = _upload(me, b"board minutes", "minutes.txt")
    _post_with(me, [file_id], group_id=group.id)
    url = f"/files/{file_id}/minutes.txt"

    response = auth.login(employee).get(url)
    assert response.status_code == 200 and response.get_data() == b"board minutes"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Security-Policy"] == "sandbox; default-src 'none'"
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert "no-store" in response.headers["Cache-Control"]
    response.close()
    ranged = auth.login(employee).get(url, headers={"Range": "bytes=0-4"})
    assert ranged.status_code == 206 and ranged.get_data() == b"board"
    ranged.close()

    refused = auth.login(fred).get(url)
    assert refused.status_code == 404
    assert auth.login(fred).get(f"/files/{file_id + 1000}/x.txt").status_code == 404
    anonymous = auth.app.test_client().get(url)
    assert anonymous.status_code == 302 and "/sign-in" in anonymous.headers["Location"]


# --- events carry the files, as the API does ------------------------------------------------


def test_events_carry_the_files_and_catchup_replays_them_as_they_are_now(
    api, employee, fred, capture_events, socket_for
):
    me = api(employee)
    first, second = _upload(me, b"agenda", "agenda.txt"), _upload(me, b"slides", "slides.txt")
    post = _post_with(me, [first, second])
    comment_file = _upload(me, b"notes", "notes.txt")
    comment = me.post(
        f"{API}/posts/{post['id']}/comments", {"body": "and notes", "file_ids": [comment_file]}
    ).get_json()
    edited = me.patch(f"{API}/posts/{post['id']}", {"body": "Docs v2", "file_ids": [second]})
    assert edited.status_code == 200

    sent = {e.type: e.payload["data"] for e in capture_events.events}
    assert [f["id"] for f in sent["post.created"]["files"]] == [first, second]
    assert sent["comment.created"]["files"] == comment["files"]
    assert sent["post.updated"]["files"] == edited.get_json()["files"]

    sock = socket_for(fred, last_event_id=0)
    [replay] = [p["args"][0] for p in sock.get_received() if p["name"] == "catchup"]
    replayed = {e["type"]: e["data"] for e in replay["events"]}
    assert [f["id"] for f in replayed["post.created"]["files"]] == [second]  # as it is now
    assert [f["id"] for f in replayed["comment.created"]["files"]] == [comment_file]
