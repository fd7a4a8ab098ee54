def test_health_reports_the_database_answering(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "db": "ok"}
