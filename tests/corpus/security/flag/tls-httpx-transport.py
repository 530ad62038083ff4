transport = httpx.HTTPTransport(retries=3, verify=False)
