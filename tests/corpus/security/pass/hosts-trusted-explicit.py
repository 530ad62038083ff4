app.add_middleware(TrustedHostMiddleware, allowed_hosts=["example.com", "*.example.com"])
