"""What a user may see: their role × region scope, computed once per request from current assignments.

Every scoped read in Kesos starts here (`Model.objects.visible_to(user)` asks for a `Scope`), so a
rule about who sees what is changed in one place. Ended assignments grant nothing; a superuser gets
no data scope from being a superuser (they administer the system, not the beneficiaries).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q

from kesos.wilayah.models import prefix_q

from .models import Role

# Roles that read personal (by-name) data in their region.
BY_NAME_ROLES = (Role.ADMIN_PROVINSI, Role.OPERATOR_KABKOTA, Role.PEKERJA_SOSIAL, Role.TKSK)
# Roles that supervise casework and edit any record in their region.
SUPERVISOR_ROLES = (Role.ADMIN_PROVINSI, Role.OPERATOR_KABKOTA)
# Roles that see dashboards and aggregate recaps of their region.
AGGREGATE_ROLES = (Role.ADMIN_PROVINSI, Role.OPERATOR_KABKOTA, Role.PIMPINAN)
# Roles that read the LKS registry of their region (an Operator LKS reads only their own LKS).
LKS_REGION_ROLES = (Role.ADMIN_PROVINSI, Role.OPERATOR_KABKOTA, Role.PEKERJA_SOSIAL)
# Roles that must pass a second factor (TOTP) when KESOS_REQUIRE_2FA is on.
SECOND_FACTOR_ROLES = (Role.ADMIN_PROVINSI, Role.OPERATOR_KABKOTA, Role.OPERATOR_LKS)


def covers(region: str, code: str | None) -> bool:
    """True when `code` is `region` or lies under it (63.71 covers 63.71.02.1003, not 63.710)."""
    return bool(code) and (code == region or code.startswith(region + "."))


@dataclass(frozen=True)
class Scope:
    """The regions a user holds each role over, today."""

    user_id: int | None
    regions: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # The LKS the user operates (Operator LKS assignments name their institution).
    lks: tuple[int, ...] = ()

    @property
    def roles(self) -> frozenset[str]:
        return frozenset(self.regions)

    def has_role(self, *roles: str) -> bool:
        return any(role in self.regions for role in roles) or (Role.OPERATOR_LKS in roles and bool(self.lks))

    def regions_for(self, *roles: str) -> tuple[str, ...]:
        """The region codes held under any of `roles`, without codes nested in another one."""
        codes = sorted({code for role in roles for code in self.regions.get(role, ())})
        return tuple(c for c in codes if not any(covers(other, c) and other != c for other in codes))

    def covers(self, code: str | None, *roles: str) -> bool:
        return any(covers(region, code) for region in self.regions_for(*roles))

    def region_q(self, field: str, *roles: str) -> Q:
        """Q for rows whose region code `field` lies in the user's regions for `roles`; matches nothing if none."""
        q = Q(pk__in=[])
        for code in self.regions_for(*roles):
            q |= prefix_q(code, field)
        return q


EMPTY = Scope(user_id=None)


def scope_of(user) -> Scope:
    """The user's scope, cached on the user object for the rest of the request."""
    if user is None or not user.is_authenticated or not user.is_active:
        return EMPTY
    cached = getattr(user, "_kesos_scope", None)
    if cached is not None:
        return cached
    regions: dict[str, set[str]] = {}
    lks: set[int] = set()
    for role, code, lks_id in user.assignments.current().values_list("role", "wilayah_id", "lks_id"):
        if role == Role.OPERATOR_LKS:
            # An LKS operator's reach is their institution, not the region it lies in.
            if lks_id:
                lks.add(lks_id)
        elif code:
            regions.setdefault(role, set()).add(code)
    scope = Scope(
        user_id=user.pk,
        regions={role: tuple(sorted(codes)) for role, codes in regions.items()},
        lks=tuple(sorted(lks)),
    )
    user._kesos_scope = scope
    return scope


def forget_scope(user) -> None:
    """Drop the cached scope after the user's assignments change."""
    user.__dict__.pop("_kesos_scope", None)
