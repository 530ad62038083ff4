app.add_middleware(CORSMiddleware, allow_origins=settings.CORS_ORIGINS)
