"""Every route of the project against the authorization matrix (tests/authz.py).

That every route has an entry, and that an unscoped view is caught, is proved in
tests/acceptance/test_access.py.
"""

import pytest
from django.test import Client

from . import authz

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return authz.World()


@pytest.mark.parametrize("name", sorted(authz.MATRIX))
def test_the_route_gives_each_role_exactly_its_scope(world, name):
    assert authz.check_route(Client, world, authz.MATRIX[name]) == []
