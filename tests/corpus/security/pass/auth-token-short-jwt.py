import jwt

ALGORITHM = "HS256"


def create_access_token(data: dict, key: str) -> str:
    return jwt.encode(data, key, algorithm=ALGORITHM)
