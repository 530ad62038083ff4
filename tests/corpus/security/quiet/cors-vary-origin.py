ALLOWED = {"https://app.example.com", "https://admin.example.com"}


def add_cors(request, response):
    origin = request.headers.get("origin")
    if origin in ALLOWED:
        response.headers["Access-Control-Allow-Origin"] = origin
        response.headers["Vary"] = "Origin"
    return response
