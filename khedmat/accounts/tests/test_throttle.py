"""The failure counters hold under parallel requests (20 real threads, SQLite and PostgreSQL)."""
import datetime as dt
import threading

import pytest
from django.db import connection
from django.utils import timezone

from khedmat.accounts import services, throttle
from khedmat.accounts.models import LoginAttempt
from khedmat.accounts.throttle import ThrottleCounter
from khedmat.core.exceptions import ApplicationError
from khedmat.testing import make_user

pytestmark = pytest.mark.django_db(transaction=True)


def run_in_threads(count, func):
    barrier = threading.Barrier(count)
    results = []
    lock = threading.Lock()

    def work(index):
        try:
            barrier.wait(timeout=20)
            outcome = func(index)
        except ApplicationError as error:
            outcome = error.code
        finally:
            connection.close()
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(results) == count
    return results


def test_twenty_parallel_hits_count_exactly_to_the_limit():
    results = run_in_threads(20, lambda i: throttle.hit("test:parallel", limit=5, seconds=900))
    assert results.count(0) == 5
    assert all(wait > 0 for wait in results if wait != 0)
    assert ThrottleCounter.objects.get(key="test:parallel").count == 5


def test_twenty_parallel_wrong_passwords_are_at_most_five_evaluated():
    user = make_user()

    def guess(index):
        services.password_login(request=None, national_id=user.national_id, password=f"wrong-{index}", ip="10.9.0.1")
        return "logged_in"

    results = run_in_threads(20, guess)
    assert results.count("bad_login") <= 5
    assert results.count("login_locked") >= 15
    assert "logged_in" not in results
    evaluated = LoginAttempt.objects.filter(national_id=user.national_id, stage="password").count()
    assert evaluated == results.count("bad_login") <= 5
    # And the owner's right password is refused too while the lock lasts.
    with pytest.raises(ApplicationError) as error:
        services.password_login(request=None, national_id=user.national_id, password="a-long-test-password-1404",
                                ip="10.9.0.2")
    assert error.value.code == "login_locked"


def test_a_window_that_ended_starts_again(time_machine):
    for _ in range(3):
        assert throttle.hit("test:window", limit=3, seconds=60) == 0
    assert throttle.hit("test:window", limit=3, seconds=60) > 0
    time_machine.move_to(timezone.now() + dt.timedelta(seconds=61))
    assert throttle.hit("test:window", limit=3, seconds=60) == 0
    assert ThrottleCounter.objects.get(key="test:window").count == 1
