app = FastAPI(debug=False)
