CSRF_TRUSTED_ORIGINS = ["https://*.example.com", "https://example.com"]
