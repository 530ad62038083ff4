FROM python:3.12
USER root
CMD ["python", "app.py"]
