HOST_HEADER = request.headers.get("Host")
