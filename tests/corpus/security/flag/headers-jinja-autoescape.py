env = Environment(loader=FileSystemLoader("t"), autoescape=False)
