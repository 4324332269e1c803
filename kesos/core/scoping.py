"""The base for every scoped model family: `Model.objects.visible_to(user)`.

Subclasses say which rows a scope reaches in `scope_q(scope)`; users without any scope see
nothing. Views, API viewsets, exports, reports and form dropdowns take their querysets only from
`visible_to`, so a rule about who sees what lives in one place per model family.
"""

from django.db import models
from django.db.models import Q

from kesos.accounts.scope import Scope, scope_of


class ScopedQuerySet(models.QuerySet):
    def scope_q(self, scope: Scope) -> Q:  # pragma: no cover - every subclass defines it
        raise NotImplementedError

    def visible_to(self, user):
        scope = scope_of(user)
        if scope.user_id is None:
            return self.none()
        return self.filter(self.scope_q(scope))
