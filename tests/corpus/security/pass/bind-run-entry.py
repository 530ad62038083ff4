# Rewritten from dispatch's bin/run.py: the container's entry point.
import uvicorn

if __name__ == "__main__":
    uvicorn.run("service.main:app", host="0.0.0.0")
