import pytest

from kesos.core.ratelimit import Limit, RateLimited, hit

LIMIT = Limit("uji", count=3, seconds=60)


def test_a_user_is_refused_past_the_limit_and_told_when_to_retry():
    for _ in range(3):
        hit(LIMIT, user_key=1)
    with pytest.raises(RateLimited) as refused:
        hit(LIMIT, user_key=1)
    assert 0 < refused.value.retry_after <= 60
    assert "Coba lagi" in str(refused.value)


def test_each_user_has_their_own_count():
    for _ in range(3):
        hit(LIMIT, user_key=1)
    hit(LIMIT, user_key=2)


def test_the_rate_can_be_set_in_settings(settings):
    settings.KESOS_RATE_LIMITS = {"uji": (1, 60)}
    hit(LIMIT, user_key=1)
    with pytest.raises(RateLimited):
        hit(LIMIT, user_key=1)


def test_a_rate_from_the_environment_reads_like_the_apis(settings):
    settings.KESOS_RATE_LIMITS = {"uji": "2/min"}
    assert LIMIT.configured() == Limit("uji", 2, 60)
