ALLOWED_HOSTS = ["api.example.com", ".example.com"]
