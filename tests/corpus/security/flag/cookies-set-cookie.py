def login(request):
    response = HttpResponse()
    response.set_cookie(
        "sid",
        sid,
        secure=False,
        httponly=False,
    )
    return response
