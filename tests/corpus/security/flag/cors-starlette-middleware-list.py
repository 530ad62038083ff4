middleware = [
    Middleware(
        CORSMiddleware,
        allow_origins=["*"],
    )
]
