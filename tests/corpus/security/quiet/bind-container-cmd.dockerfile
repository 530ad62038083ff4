# Rewritten from Netflix dispatch's docker/Dockerfile: the server inside the
# container must listen on every interface for the published port to reach it.
FROM python:3.11-slim
WORKDIR /opt/app
COPY . .
EXPOSE 8000
CMD ["server", "start", "app.main:app", "--host=0.0.0.0"]
