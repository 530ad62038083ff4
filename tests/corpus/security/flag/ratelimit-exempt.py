@app.route("/login", methods=["POST"])
@limiter.exempt
def login():
    return do_login()
