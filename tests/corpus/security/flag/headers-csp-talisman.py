csp = {
    "default-src": "'self'",
    "script-src": ["'self'", "'unsafe-eval'"],
}
