"""The worlds of issue 13's security scenarios, shared by `test_security.py` (its "Done when" points)
and the `test_security_<topic>.py` modules that build them and hold the other checks of each item."""

from tests.acceptance.test_security_accounts import accounts_world, admin_client  # noqa: F401
from tests.acceptance.test_security_masking import masking_world  # noqa: F401
from tests.acceptance.test_security_nikurl import search_world  # noqa: F401
