if origin in settings.CORS_ALLOWED_ORIGINS:
    allow(origin)
