app.config.update(
    SECRET_KEY=os.environ["KEY"],
    DEBUG=True,
)
