import hashlib
import hmac


class WebhookSigner:
    """Signs webhook payloads with HMAC-SHA256."""

    ALGORITHM = "sha256"

    @classmethod
    def sign(cls, payload: bytes, secret: str) -> str:
        mac = hmac.new(secret.encode(), payload, hashlib.sha256)
        return f"{cls.ALGORITHM}={mac.hexdigest()}"


def verify(body: bytes, signature: str, secret: str, algorithm: str = "sha256") -> bool:
    expected = hmac.new(secret.encode("utf-8"), body, digestmod=algorithm).hexdigest()
    return hmac.compare_digest(expected, signature)
