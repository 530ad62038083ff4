# Test data in a tests/ path: a warning at most, never a block.
    data={"username": user.email, "password": "Wr0ngPassw0rd!x7Q"},
    json={"username": "test.user@test.fr", "password": "P@ssw0rd123"},
    login_cases = [("test1@example.com", "Test1234!", 302)]
    response = self.client.post(url, {'username': 'bob', 'password': 'abc123'})
    headers={"Authorization": "Basic notabase64token"},
    test_password = "super_secret_test_pw"
    client.post("/auth/register", data={"email": email, "password": "Secret123"})
