FROM python:3.12
CMD ["uvicorn", "app:app", "--proxy-headers", "--forwarded-allow-ips=*"]
