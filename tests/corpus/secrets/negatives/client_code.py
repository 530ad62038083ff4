# Ordinary client code touching tokens and passwords.
async def refresh_token(session, refresh_token: str) -> dict:
    resp = await session.post(TOKEN_URL, data={"grant_type": "refresh_token", "refresh_token": refresh_token})
    token = resp.json()["access_token"]
    return {"access_token": token, "token_type": "bearer"}
def hash_password(password: str) -> str:
    return bcrypt.hashpw(password.encode(), bcrypt.gensalt()).decode()
PEM_HEADER = "-----BEGIN PRIVATE KEY-----"
if line.startswith("-----BEGIN RSA PRIVATE KEY-----"):
url = f"postgres://{user}:{password}@{host}:{port}/{db}"
url = "https://github.com/acme/api.git"
docs = "https://docs.python.org/3/library/secrets.html"
secrets.token_urlsafe(32)
key = Fernet.generate_key()
api_key = APIKeyHeader(name="X-API-Key")
oauth2_scheme = OAuth2PasswordBearer(tokenUrl="token")
assert user.check_password("wrong") is False
