uvicorn.run(app, host=settings.HOST)
