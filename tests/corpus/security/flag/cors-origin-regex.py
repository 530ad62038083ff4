app.add_middleware(CORSMiddleware, allow_origin_regex=".*")
