"""Annual ratings (issue 4). Imported by members/models.py so Django finds the models."""
