uvicorn.run("app.main:app", reload=args.reload)
