def fetch(url):
    return requests.post(
        url,
        json={"a": 1},
        verify=False,
    )
