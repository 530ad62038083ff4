uvicorn.run(app, log_level="debug")
