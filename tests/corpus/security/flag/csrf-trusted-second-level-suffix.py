CSRF_TRUSTED_ORIGINS = ["https://*.co.uk"]
