app = Starlette(debug=True, routes=routes)
