app.run(debug=settings.DEBUG)
