from flask_cors import CORS
CORS(app)
