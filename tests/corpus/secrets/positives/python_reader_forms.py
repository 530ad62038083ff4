# Python forms the reader sees: annotated and Field defaults, environment defaults, auth pairs.
    SMTP_PASSWORD: str = "Qw7#vLp2Zr9xKm4T"
    api_key: str = Field(default="Hn3$kT8wRq2LpZ6v", description="key")
    client_secret: SecretStr = Field("Vb5!qLm9Xz2Rt7Kw")
DB_PASSWORD = os.getenv("DB_PASSWORD", "Jx4%rTq8Wm2Lz6Np")
API_TOKEN = os.environ.get("API_TOKEN", default="Ky7&pQz3Lm9Wt2Rx")
SECRET_KEY = os.getenv("SECRET_KEY") or "Tz8*mKq4Wp2Lx7Rv"
STRIPE_SECRET = envsecret("STRIPE_SECRET", "Pm6^wLx2Qz9Kt4Rn")
os.environ["AWS_SECRET_ACCESS_KEY"] = "Rz2@kWq7Lp4Xm9Tv"
response = requests.get(url, auth=("svc-reporting", "Lq9#xTm4Rz7Wp2Kv"))
