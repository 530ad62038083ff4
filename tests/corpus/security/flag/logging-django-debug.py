LOGGING = {
    "version": 1,
    "loggers": {
        "django": {"handlers": ["console"], "level": "DEBUG"},
    },
}
