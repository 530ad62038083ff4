app.add_middleware(SessionMiddleware, secret_key=settings.KEY, https_only=False)
