class Api:
    def __init__(self):
        self.session = requests.Session()
        self.session.verify = False
