"""Structured JSON logs (Powertools). Request id, org id and route are appended once per request."""

from aws_lambda_powertools import Logger

logger = Logger(service="stint")
