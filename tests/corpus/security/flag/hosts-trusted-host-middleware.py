app.add_middleware(TrustedHostMiddleware, allowed_hosts=["*"])
