"""Entry point for the Docker container."""
from app.main import app as application  # noqa: F401

if __name__ == "__main__":
    import uvicorn

    # 0.0.0.0 so the published port reaches the server inside the container
    uvicorn.run("main:app", host="0.0.0.0", port=8000)
