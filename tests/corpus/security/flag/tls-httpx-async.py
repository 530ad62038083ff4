async with httpx.AsyncClient(timeout=5, verify=False) as client:
    await client.get(url)
