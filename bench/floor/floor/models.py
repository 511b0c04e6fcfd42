from django.db import models


class Row(models.Model):
    """As wide as a queue row: a number, a title, a state, who and two instants."""

    tracking_number = models.CharField(max_length=13, unique=True)
    title = models.CharField(max_length=200)
    state = models.CharField(max_length=40)
    applicant_name = models.CharField(max_length=100)
    submitted_at = models.DateTimeField()
    deadline = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["state", "deadline"])]
