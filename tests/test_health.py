from tests.support import make_test_app


def test_healthz_reports_database_and_redis_not_configured(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok", "redis": "not configured"}


def test_healthz_is_503_when_the_database_is_unreachable(tmp_path):
    app = make_test_app("postgresql+psycopg://nobody@127.0.0.1:1/none", tmp_path)
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json["database"] == "error"
    assert response.json["status"] == "degraded"


def test_healthz_reports_a_dead_redis_as_degraded_but_serving(app, tmp_path):
    broken = make_test_app(app.config["SQLALCHEMY_DATABASE_URI"], tmp_path, REDIS_URL="redis://127.0.0.1:1/0")
    response = broken.test_client().get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "degraded", "database": "ok", "redis": "error"}
