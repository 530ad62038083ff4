CORS(app, origins="*", supports_credentials=True)
