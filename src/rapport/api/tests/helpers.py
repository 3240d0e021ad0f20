"""Small request helpers shared by the API tests."""

import base64


def post(client, path, data, **headers):
    return client.post(path, data, content_type="application/json", headers=headers)


def patch(client, path, data):
    return client.patch(path, data, content_type="application/json")


def b64(content: bytes) -> str:
    return base64.b64encode(content).decode()


def assert_error(response, status, code):
    assert response.status_code == status, response.content
    body = response.json()
    assert body["code"] == code, body
    assert isinstance(body["message"], str)
    assert body["message"]
    assert "details" in body
    return body
