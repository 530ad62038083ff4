connector = aiohttp.TCPConnector(ssl=False)
