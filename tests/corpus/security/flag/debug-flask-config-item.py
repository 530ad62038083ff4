app = Flask(__name__)
app.config["DEBUG"] = True
