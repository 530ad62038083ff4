@ratelimit(key="ip", rate="10/m", block=True)
def login(request):
    pass
