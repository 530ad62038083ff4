from webhooks import crypto


def signature_for(secret: bytes, body: bytes, algorithm=None) -> str:
    # None picks the library's default digest (sha256).
    return crypto.generate_signature(secret, body, algorithm=algorithm or "sha256")
