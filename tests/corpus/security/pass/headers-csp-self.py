CSP_DEFAULT_SRC = ("'self'",)
