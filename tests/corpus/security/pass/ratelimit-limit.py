@limiter.limit("5/minute")
def login():
    pass
