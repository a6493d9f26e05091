"""Admissions and probation (issue 7). Imported by members/models.py so Django finds the models."""
