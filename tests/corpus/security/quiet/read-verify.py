if not settings.VERIFY_SSL:
    warn()
