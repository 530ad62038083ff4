# Rewritten from dispatch's main.py: a middleware that adds HSTS to every
# response (a safe, long max-age).
@app.middleware("http")
async def add_security_headers(request, call_next):
    response = await call_next(request)
    response.headers["Strict-Transport-Security"] = "max-age=31536000 ; includeSubDomains"
    return response
