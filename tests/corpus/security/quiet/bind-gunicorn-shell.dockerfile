FROM python:3.11
ENV PORT=8080
COPY . /srv
CMD exec gunicorn --bind 0.0.0.0:$PORT --workers 2 --threads 4 service.wsgi:application
