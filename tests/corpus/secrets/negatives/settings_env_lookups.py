# Values read from the environment or a settings object: never flagged.
import os
SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]
DB_PASSWORD = os.getenv("DB_PASSWORD")
API_KEY = os.environ.get("API_KEY", "")
REDIS_PASSWORD = env("REDIS_PASSWORD")
STRIPE_SECRET_KEY = config("STRIPE_SECRET_KEY")
AUTH_TOKEN = settings.AUTH_TOKEN
client_secret = settings.OIDC["client_secret"]
password = get_secret("db/password")
token = vault.read("secret/data/api")["token"]
conn = psycopg.connect(host=DB_HOST, password=DB_PASSWORD)
client = Client(api_key=api_key, timeout=5)
headers = {"Authorization": f"Bearer {token}"}
PASSWORD = ""
API_TOKEN = None
SECRET = ''
def check_password(password: str, hashed: bytes) -> bool:
def make_token(user_id: int, secret: str = DEFAULT) -> str:
password_hash = hasher.hash(password)
AUTH_USER_MODEL = "accounts.User"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
AUTH_PASSWORD_VALIDATORS = [{"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"}]
TOKEN_URL = "https://auth.internal/oauth/token"
SECRET_KEY_FILE = "/run/secrets/django_secret_key"
PASSWORD_RESET_TIMEOUT = 259200
JWT_ALGORITHM = "HS256"
ACCESS_TOKEN_EXPIRE_MINUTES = 30
TOKEN_TTL = 3600
API_KEY_HEADER = "X-Api-Key"
SESSION_COOKIE_NAME = "sessionid"
CSRF_HEADER_NAME = "HTTP_X_CSRFTOKEN"
tokenizer = AutoTokenizer.from_pretrained("bert-base-uncased")
AUTHOR = "Platform Team"
password_field = forms.CharField(widget=forms.PasswordInput)
secret_name = "prod/db/password"
auth_backend = "django.contrib.auth.backends.ModelBackend"
if not token: raise PermissionDenied("missing token")
token = request.headers.get("X-Token")
api_key = request.query_params["api_key"]
password = getpass.getpass("Password: ")
self.secret = secret
return {"token": token, "expires_in": ttl}
logger.info("rotated api key for %s", tenant)
PASSWORD_MIN_LENGTH = 12
    SMTP_PASSWORD: str = Field(default=None, description="read from the environment")
    api_key: str = Field(..., min_length=32)
DB_PASSWORD = os.getenv("DB_PASSWORD", "changethis")
SECRET_KEY = os.getenv("SECRET_KEY") or secrets.token_urlsafe(32)
os.environ["AWS_SECRET_ACCESS_KEY"] = aws_secret
response = requests.get(url, auth=(username, password))
response = requests.get(url, auth=("svc-reporting", token))
