CORS(app, origins=["https://app.example.com"])
