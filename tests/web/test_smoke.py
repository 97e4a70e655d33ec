def test_home_page_shows_in_polish_by_default(client):
    response = client.get("/")
    assert response.status_code == 200
    assert '<html lang="pl">' in response.get_data(as_text=True)
