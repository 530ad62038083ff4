LOGGING = {
    "loggers": {
        "django": {"handlers": ["console"], "level": "INFO"},
    },
}
