ALLOWED_HOSTS = [
    "api.example.com",
    "*",
]
