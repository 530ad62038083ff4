uvicorn.run(
    app,
    proxy_headers=True,
    forwarded_allow_ips="*",
)
