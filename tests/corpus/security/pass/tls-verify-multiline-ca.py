resp = session.post(
    url,
    verify=CA_PATH,
)
