client = httpx.Client(verify=False)
