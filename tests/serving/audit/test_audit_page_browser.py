"""The audit page in real headless Chromium, beside the portfolio of the same history: loads
clean from file://, shows the audit's figures, links to the portfolio, leaves a screenshot."""

from __future__ import annotations

import pytest

from serving.audit import audit_source
from serving.history import open_history
from serving.pages import write_audit_page, write_report
from tests.serving.pages.conftest import Watched, save_screenshot

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def report(monthly_history, tmp_path_factory):
    """The portfolio of the latest monthly scoring, and the audit page beside it."""
    folder = tmp_path_factory.mktemp("audit_report")
    done = audit_source(monthly_history.world, monthly_history.history_url)
    with open_history(monthly_history.history_url) as store:
        write_report(store.latest_scores(), folder, history=store)
    return folder, write_audit_page(done.result, folder), done.result


def test_audit_page_loads_from_file_with_the_audits_figures(watched: Watched, report, tmp_path):
    _, page_path, result = report
    version = result.versions[0]

    watched.page.goto(page_path.as_uri(), wait_until="load")

    page = watched.page
    assert watched.problems() == [], watched.problems()
    assert all(url.startswith("file://") for url in watched.requests), watched.requests
    assert page.locator("h1").inner_text() == "How the scores we issued did"
    assert page.locator("#version-1-auc").inner_text() == f"{version.overall.auc:.3f}"
    caught = f"{version.overall.churned_arr_caught * 100:.1f}%"
    assert page.locator("#version-1-caught").inner_text() == caught
    leads = page.locator("#version-1-lead tbody tr")
    assert [leads.nth(i).get_attribute("data-group") for i in range(leads.count())] == [
        g.group for g in version.by_lead
    ]
    bands = page.locator("#version-1-bands tbody tr")
    assert bands.count() == len(version.overall.bands)
    first_band = version.overall.bands[0]
    predicted = f"{first_band.mean_probability * 100:.1f}%"
    assert bands.first.locator(".predicted").inner_text() == predicted
    healthy = page.locator("#version-1-healthy tbody tr")
    assert healthy.first.get_attribute("data-account") == version.healthy_before_churn[0].account_id
    assert healthy.first.inner_text().count(version.healthy_before_churn[0].drivers[0]) == 1
    shot = save_screenshot(page, tmp_path, "audit.png", full_page=False)
    assert shot.stat().st_size > 20_000


def test_audit_page_links_to_the_portfolio_beside_it(watched: Watched, report):
    folder, page_path, _ = report

    watched.page.goto(page_path.as_uri(), wait_until="load")
    watched.page.click("text=← Portfolio")
    watched.page.wait_for_load_state("load")

    assert watched.page.url == (folder / "index.html").as_uri()
    assert watched.page.locator("#accounts tbody tr").count() > 100
    assert watched.problems() == []
