response.set_cookie("sid", sid, secure=True, httponly=True, samesite="Strict")
