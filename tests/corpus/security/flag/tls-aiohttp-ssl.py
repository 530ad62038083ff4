async with session.get(url, ssl=False) as resp:
    data = await resp.json()
