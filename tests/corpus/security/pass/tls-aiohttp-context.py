async with session.get(url, ssl=ssl_context) as r:
    pass
