"""GET /api/monitoring: the admin's monitoring report over the stored applications."""

from __future__ import annotations

from tests.api.conftest import ApiWorld


def test_an_admin_reads_the_report_with_every_feature_and_the_decision_mix(world: ApiWorld) -> None:
    response = world.client.get("/api/monitoring?lang=en&period=week", headers=world.headers("admin"))
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    report = response.get_json()
    # The loaded test applications, not the training clients stored beside them.
    assert report["population"]["clients"] == len(world.client_ids)
    assert report["status"] in ("stable", "watch", "act")
    assert len(report["features"]) == len(world.service.feature_names)
    assert report["features"][0]["importance_rank"] == 1
    assert report["probability"]["label"] == "Probability of default"
    assert report["probability"]["bins"][-1]["label"] == "missing"
    assert set(report["decision_mix"]["current"]) == {"granted", "to_review", "refused"}
    assert report["overrides"] is not None and "override_rate" in report["overrides"]


def test_advisors_may_not_read_it_and_a_bad_date_names_the_parameter(world: ApiWorld) -> None:
    assert world.client.get("/api/monitoring", headers=world.headers("advisor")).status_code == 403
    bad = world.client.get("/api/monitoring?since=yesterday", headers=world.headers("admin"))
    assert bad.status_code == 422
    assert "since" in bad.get_data(as_text=True)


def test_a_window_in_the_future_has_no_applications_and_no_alert(world: ApiWorld) -> None:
    report = world.client.get("/api/monitoring?since=2999-01-01", headers=world.headers("admin")).get_json()
    assert report["population"]["clients"] == 0 and report["status"] == "insufficient" and report["alerts"] == []
