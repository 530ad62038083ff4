limiter = Limiter(get_remote_address, app=app, enabled=False)
