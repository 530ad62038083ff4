resp = requests.request("GET", url, headers=h, verify=False, timeout=5)
