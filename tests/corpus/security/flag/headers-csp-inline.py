CSP_SCRIPT_SRC = ("'self'", "'unsafe-inline'")
