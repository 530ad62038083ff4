FROM python:3.12
RUN chmod -R 755 /app
