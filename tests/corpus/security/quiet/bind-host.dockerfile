FROM python:3.12
CMD ["uvicorn", "main:app", "--host", "0.0.0.0", "--port", "80"]
