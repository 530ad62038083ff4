FROM python:3.12
CMD uvicorn app.main:app --reload
