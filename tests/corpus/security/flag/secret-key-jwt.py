JWT_SECRET = "super-secret"
ALGORITHM = "HS256"
