if __name__ == "__main__":
    app.run("0.0.0.0", 5000, debug=True, use_reloader=True)
