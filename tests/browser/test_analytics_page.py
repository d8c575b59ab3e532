"""The analytics dashboard in a real browser: charts drawn offline under the CSP."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_dashboard_draws_its_charts_offline(signed_in, person, web_server, shots_dir):
    posted = web_server.api("POST", "/api/v1/posts", json={"body": "Who has the projector?"})
    assert posted.status_code == 201, posted.text
    cm = person("Carla Analytics", role="community_manager")
    page = signed_in(cm)
    origin = urlsplit(web_server.url).netloc
    foreign: list[str] = []
    errors: list[str] = []
    page.on(
        "request",
        lambda request: (
            foreign.append(request.url)
            if urlsplit(request.url).netloc not in (origin, "")
            and not request.url.startswith(("data:", "blob:"))
            else None
        ),
    )
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))

    page.get_by_role("link", name="Analytics", exact=True).click()
    expect(page.get_by_role("heading", name="Engagement analytics")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("data-analytics-charts", "drawn")
    for chart in ("chart-active", "chart-volume", "chart-kudos", "chart-moderation"):
        canvas = page.locator(f"canvas#{chart}")
        expect(canvas).to_be_visible()
        assert canvas.evaluate("c => c.width > 0 && c.height > 0")
    # Chart.js registered each chart on its canvas (drawn, not just present)
    assert page.evaluate("Object.keys(window.Chart.instances).length") == 4
    page.get_by_label("From", exact=True).fill("2026-01-01")
    page.get_by_label("To", exact=True).fill("2026-01-31")
    page.get_by_role("button", name="Show", exact=True).click()
    expect(page.locator("html")).to_have_attribute("data-analytics-charts", "drawn")
    assert "from=2026-01-01" in page.url
    page.screenshot(path=str(shots_dir / "analytics.png"), full_page=True)
    assert foreign == []
    assert errors == []
    page.goto(web_server.url + "/analytics")
    expect(page.locator("#an-questions")).to_contain_text("Questions without replies")
    expect(page.get_by_text("Who has the projector?")).to_be_visible()
