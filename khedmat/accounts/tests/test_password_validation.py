"""Password rules speak Persian at sign-up and at reset (no Django English, no plural-form gaps)."""
import re

import pytest
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils import translation

from khedmat.accounts.models import User
from khedmat.testing import last_code_sent_to, next_national_id

pytestmark = pytest.mark.django_db

LATIN = re.compile(r"[A-Za-z]")


def messages_for(password, user=None):
    with translation.override("fa"):
        try:
            password_validation.validate_password(password, user)
        except ValidationError as error:
            return [str(message) for message in error.messages]
    return []


@pytest.mark.parametrize("password, persian", [
    ("abc12", "۸"),  # too short, with the limit in Persian digits
    ("12345678901", "رقم"),  # only digits
    ("password123", "رایج"),  # common
])
def test_each_rule_has_a_persian_message(password, persian):
    found = messages_for(password)
    assert found and any(persian in message for message in found), found
    assert not any(LATIN.search(message) for message in found), found


def test_similarity_names_the_field_in_persian():
    user = User(national_id="0012345678", first_name="مریم", last_name="کریمی", mobile="09121234567")
    found = messages_for("0012345678a", user)
    assert found and not any(LATIN.search(message) for message in found), found
    assert any("کد ملی" in message for message in found), found


def test_help_texts_are_persian():
    with translation.override("fa"):
        texts = [str(text) for text in password_validation.password_validators_help_texts()]
    assert len(texts) == 4 and not any(LATIN.search(text) for text in texts), texts


def test_sign_up_shows_the_persian_too_short_message(client):
    response = client.post("/accounts/signup/", {
        "national_id": next_national_id(), "first_name": "علی", "last_name": "کریمی", "mobile": "09351234555",
        "password1": "ab1", "password2": "ab1",
    })
    errors = response.context["form"].errors["password1"]
    assert errors and "۸" in errors[0] and not LATIN.search(errors[0]), errors


def test_password_reset_shows_persian_validator_messages(client, applicant, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/password-reset/", {"national_id": applicant.national_id, "mobile": applicant.mobile})
    response = client.post("/accounts/password-reset/verify/", {
        "code": last_code_sent_to(applicant.mobile), "password1": "1234", "password2": "1234"})
    errors = response.context["form"].errors["password1"]
    assert len(errors) >= 2 and not any(LATIN.search(error) for error in errors), errors
