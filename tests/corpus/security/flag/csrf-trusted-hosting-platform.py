CSRF_TRUSTED_ORIGINS = [
    "https://app.example.com",
    "https://*.herokuapp.com",
]
