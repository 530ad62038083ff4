@ratelimit(key="ip", rate="5/m", block=False)
def login(request):
    pass
