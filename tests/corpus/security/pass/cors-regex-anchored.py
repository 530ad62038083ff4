app.add_middleware(CORSMiddleware, allow_origin_regex=r"^https://[a-z]+\.example\.com$")
