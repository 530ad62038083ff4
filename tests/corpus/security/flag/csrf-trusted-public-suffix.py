CSRF_TRUSTED_ORIGINS = ["https://*.com"]
