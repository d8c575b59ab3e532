def test_post_roundtrip(api, employee, fred, capture_events):
    me = api(employee)
    response = me.post("/api/v1/posts", {"body": "Hello **team** @fred.interloper #Lyon"})
    assert response.status_code == 201, response.get_json()
    post = response.get_json()
    assert "<strong>team</strong>" in post["body_html"]
    assert 'class="mention"' in post["body_html"]
    feed = api(fred).get("/api/v1/feed").get_json()
    assert [p["id"] for p in feed["items"]] == [post["id"]]
    assert capture_events.rooms("post.created") == {"company"}


def test_socket_receives_after_commit(api, employee, fred, socket_for):
    from tests.conftest import received_events

    sock = socket_for(fred)
    assert sock.is_connected()
    first = sock.get_received()
    assert first[0]["name"] == "catchup"
    api(employee).post("/api/v1/posts", {"body": "live"})
    got = received_events(sock, "post.created")
    assert len(got) == 1 and got[0]["data"]["body"] == "live"
    sock.disconnect()
    sock2 = socket_for(fred, last_event_id=0)
    catchup = sock2.get_received()[0]
    assert catchup["name"] == "catchup"
    assert [e["type"] for e in catchup["args"][0]["events"]] == ["post.created"]
