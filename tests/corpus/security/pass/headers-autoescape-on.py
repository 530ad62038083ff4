env = Environment(loader=loader, autoescape=True)
