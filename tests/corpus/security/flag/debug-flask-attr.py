app = Flask(__name__)
app.debug = True
