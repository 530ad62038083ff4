s = requests.Session()
s.verify = False
