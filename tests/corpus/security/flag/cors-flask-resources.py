CORS(app, resources={r"/api/*": {"origins": "*"}})
