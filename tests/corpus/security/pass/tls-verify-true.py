client = httpx.Client(verify=True)
