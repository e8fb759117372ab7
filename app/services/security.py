"""Staff sign-in, roles and permissions, and manager approval — enforced here, not in a UI."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from app.domain.errors import (
    AuthenticationError,
    PermissionDeniedError,
    ValidationError,
)
from app.domain.pins import pin_problem
from app.services.context import CounterContext, load_rules
from app.services.hashing import normalise_secret
from app.services.recording import record


class Role(StrEnum):
    CASHIER = "cashier"
    MANAGER = "manager"
    ADMIN = "admin"
    # The seeds' office roles, each with only what its work needs (none handles money):
    MARKETING = "marketing"  # 运营: tags, coupon templates and issuing, campaigns
    SERVICE = "service"  # 客服: members' profiles read and edited, tags, service work
    FINANCE = "finance"  # 财务: reports, the audit log and exports, read only


class Permission(StrEnum):
    MEMBER_REGISTER = "member.register"
    MEMBER_VIEW = "member.view"
    MEMBER_VIEW_PHONE = "member.view_phone"
    MEMBER_EDIT = "member.edit"  # a member's profile (name, birthday, notes ...)
    MEMBER_SET_PASSWORD = "member.set_password"
    MEMBER_RESET_PASSWORD = "member.reset_password"
    TOPUP = "stored_value.topup"
    CHECKOUT = "checkout"
    CARD_LOST = "card.lost"
    CARD_REPLACE = "card.replace"
    CARD_FREEZE = "card.freeze"
    CARD_UNFREEZE = "card.unfreeze"
    POINTS_EXPIRE = "points.expire"
    STAFF_ADD = "staff.add"
    STAFF_UNLOCK = "staff.unlock"
    AUDIT_VERIFY = "audit.verify"
    BACKUP = "backup"
    RESTORE = "backup.restore"
    SETTINGS_EDIT = "settings.edit"
    # The manager's day: shifts, daily close, reports, import and export, rules.
    SHIFT = "shift"  # open, count and close one's own shift
    SHIFT_MANAGE = "shift.manage"  # count and close another cashier's shift
    REPORT_VIEW = "report.view"
    DAY_CLOSE = "day.close"
    MEMBER_IMPORT = "member.import"
    MEMBER_EXPORT = "member.export"
    AUDIT_VIEW = "audit.view"
    RULES_EDIT = "rules.edit"
    CATALOGUE_EDIT = "catalogue.edit"  # items and categories (a store without HQ)
    # These need a manager's approval (number + PIN) whoever asks for them.
    REFUND = "refund"
    STORED_VALUE_ADJUST = "stored_value.adjust"
    POINTS_ADJUST = "points.adjust"
    TIER_OVERRIDE = "tier.override"
    CARD_CANCEL = "card.cancel"
    COUNTCARD_TRANSFER = "countcard.transfer"  # with a manager's approval
    # Member tags: put a manual tag on a member or take it off (a tag may ask for a manager);
    # define the chain's tags.
    TAG_SET = "tag.set"
    TAG_EDIT = "tag.edit"
    # The consent ledger: record a member's consent granted or withdrawn.
    CONSENT_SET = "consent.set"
    COUPON_VOID = "coupon.void"
    COUPON_ISSUE = "coupon.issue"  # give a member a coupon by hand
    COUPON_TEMPLATE_EDIT = "coupon.template"  # define the chain's coupon templates
    # Service tickets (服务工单): open one for a member; handle them (assign, move, resolve,
    # close, reopen, record the member's satisfaction).
    TICKET_OPEN = "ticket.open"
    TICKET_HANDLE = "ticket.handle"


_CASHIER = {
    Permission.MEMBER_REGISTER,
    Permission.MEMBER_VIEW,
    Permission.MEMBER_EDIT,
    Permission.MEMBER_SET_PASSWORD,
    Permission.TOPUP,
    Permission.CHECKOUT,
    Permission.CARD_LOST,
    Permission.CARD_REPLACE,
    Permission.CARD_FREEZE,
    Permission.SHIFT,
    Permission.TAG_SET,
    Permission.COUPON_ISSUE,
    Permission.TICKET_OPEN,
    Permission.CONSENT_SET,
    # A cashier may start these; each one still needs a manager's approval.
    Permission.REFUND,
    Permission.STORED_VALUE_ADJUST,
    Permission.POINTS_ADJUST,
    Permission.TIER_OVERRIDE,
    Permission.CARD_CANCEL,
    Permission.COUNTCARD_TRANSFER,
}
_MANAGER = _CASHIER | {
    Permission.MEMBER_VIEW_PHONE,
    Permission.MEMBER_RESET_PASSWORD,
    Permission.CARD_UNFREEZE,
    Permission.POINTS_EXPIRE,
    Permission.STAFF_ADD,
    Permission.STAFF_UNLOCK,
    Permission.AUDIT_VERIFY,
    Permission.BACKUP,
    Permission.RESTORE,
    Permission.SETTINGS_EDIT,
    Permission.SHIFT_MANAGE,
    Permission.REPORT_VIEW,
    Permission.DAY_CLOSE,
    Permission.MEMBER_IMPORT,
    Permission.MEMBER_EXPORT,
    Permission.AUDIT_VIEW,
    Permission.RULES_EDIT,
    Permission.CATALOGUE_EDIT,
    Permission.TAG_EDIT,
    Permission.COUPON_VOID,
    Permission.COUPON_TEMPLATE_EDIT,
    Permission.TICKET_HANDLE,
}
_MARKETING = {
    Permission.MEMBER_VIEW,
    Permission.TAG_SET,
    Permission.TAG_EDIT,
    Permission.COUPON_ISSUE,
    Permission.COUPON_VOID,
    Permission.COUPON_TEMPLATE_EDIT,
    Permission.REPORT_VIEW,
}
_SERVICE = {
    Permission.MEMBER_VIEW,
    Permission.MEMBER_VIEW_PHONE,  # to call a member back about their ticket
    Permission.MEMBER_EDIT,
    Permission.TAG_SET,
    Permission.TICKET_OPEN,
    Permission.TICKET_HANDLE,
    Permission.CONSENT_SET,  # a member's withdrawal taken on the phone
}
_FINANCE = {
    Permission.MEMBER_VIEW,
    Permission.REPORT_VIEW,
    Permission.AUDIT_VIEW,
    Permission.AUDIT_VERIFY,
}
ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.CASHIER: frozenset(_CASHIER),
    Role.MANAGER: frozenset(_MANAGER),
    Role.ADMIN: frozenset(Permission),
    Role.MARKETING: frozenset(_MARKETING),
    Role.SERVICE: frozenset(_SERVICE),
    Role.FINANCE: frozenset(_FINANCE),
}
# Roles a manager may add at the store; any other role is added by an admin.
STORE_ROLES = (Role.CASHIER,)
APPROVER_ROLES = (Role.MANAGER, Role.ADMIN)


@dataclass(frozen=True)
class Actor:
    """The signed-in staff member on whose behalf a service runs."""

    staff_id: str
    staff_no: str
    name: str
    role: Role

    def can(self, permission: Permission) -> bool:
        return permission in ROLE_PERMISSIONS[self.role]


@dataclass(frozen=True)
class Approval:
    """What a manager types to approve an operation: their number and PIN."""

    staff_no: str
    pin: str


def require(actor: Actor, permission: Permission) -> None:
    if not actor.can(permission):
        raise PermissionDeniedError("permission_denied", action=permission.value)


def check_pin_format(pin: str) -> str:
    """A new PIN: 4–8 digits and not trivial (see :mod:`app.domain.pins`); else refused."""
    problem = pin_problem(normalise_secret(pin))
    if problem is not None:
        raise ValidationError(problem)
    return pin


def sign_in(ctx: CounterContext, staff_no: str, pin: str) -> Actor:
    """Check a staff number and PIN; five wrong PINs in a row lock the account.

    A wrong PIN is itself recorded (its own small transaction), so the count
    survives the refusal.
    """
    with ctx.uow() as uow:
        staff = uow.staff_by_no((staff_no or "").strip())
        if staff is None or not staff.active:
            raise AuthenticationError("staff_unknown", staff_no=staff_no)
        if staff.locked:
            raise AuthenticationError("staff_locked", staff_no=staff.staff_no)
        if ctx.hasher.verify(staff.pin_hash, pin or ""):
            if staff.failed_pins:
                staff.failed_pins = 0
                uow.commit()
            return Actor(staff.id, staff.staff_no, staff.name, Role(staff.role))
        limit = load_rules(uow).pin_max_failures
        staff.failed_pins += 1
        left = limit - staff.failed_pins
        if left <= 0:
            staff.locked = True
        # Wrong PINs stay on this counter's audit log; a lock-out is reported to HQ too.
        record(
            ctx,
            uow,
            None,
            action="staff.locked" if staff.locked else "staff.pin_failed",
            entity="staff",
            entity_id=staff.id,
            before=None,
            after={"failed_pins": staff.failed_pins, "locked": staff.locked},
            event_type="staff.locked" if staff.locked else None,
            payload={"locked_staff_id": staff.id},
        )
        uow.commit()
    if left <= 0:
        raise AuthenticationError("staff_locked", staff_no=staff_no)
    raise AuthenticationError("pin_wrong", left=left)


def approve(ctx: CounterContext, approval: Approval | None, permission: Permission) -> Actor:
    """Check a manager's approval for ``permission``; returns the approver."""
    if approval is None:
        raise PermissionDeniedError("approval_required", action=permission.value)
    approver = sign_in(ctx, approval.staff_no, approval.pin)
    if approver.role not in APPROVER_ROLES or not approver.can(permission):
        raise PermissionDeniedError("approver_not_manager", staff_no=approver.staff_no)
    return approver
