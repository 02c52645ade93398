from icjis.core.models import Event


def test_it_registers_a_report_and_returns_number_and_receipt(as_user):
    registrar = as_user("registrar")
    r = registrar.act(
        "registry.report.register",
        {"channel": "in_person", "summary": "Кража велосипеда", "place": {"region": "KG-GB"}},
    )
    assert r.status_code == 201, r.content
    body = r.json()
    number = body["result"]["case"]
    assert len(body["result"]["receipt_token"]) >= 20
    assert Event.objects.filter(stream=f"case/{number}").count() == 1
    case = registrar.get(f"/cases/{number}").json()
    assert case["stage"] == "registered"
