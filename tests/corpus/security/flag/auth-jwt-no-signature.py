payload = jwt.decode(
    token,
    options={"verify_signature": False},
)
