"""The failed-log-in limit holds when attempts arrive at the same moment (several workers)."""

import threading

from tests.conftest import CSRF_PATTERN


def test_simultaneous_wrong_passwords_get_exactly_ten_checks(app, people):
    email = people["coordinator"].email
    statuses, start = [], threading.Barrier(20)

    def attempt(n):
        client = app.test_client()
        token = CSRF_PATTERN.search(client.get("/login").get_data(as_text=True)).group(1)
        start.wait()
        response = client.post("/login", csrf=False, environ_base={"REMOTE_ADDR": f"10.0.0.{n}"},
                               data={"csrf_token": token, "email": email, "password": f"wrong guess {n}"})
        statuses.append(response.status_code)

    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(statuses) == [422] * 10 + [429] * 10
