FROM python:3.12
COPY . /app
RUN chmod -R 777 /app
