"""People, their staff roles, one-time codes, second factors and login attempts."""
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from khedmat.accounts.roles import StaffRole
from khedmat.core.fields import PersianCharField
from khedmat.core.models import Office, Province


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, national_id, password=None, **extra):
        if not national_id:
            raise ValueError("national_id is required")
        user = self.model(national_id=national_id, **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def holding(self, roles, *, service_code: str | None = None):
        """Active people holding one of `roles`; with `service_code`, only roles that cover that service
        (assigned for every service, or for this one). One join, so role and service match the same row."""
        condition = models.Q(role_assignments__role__in=list(roles))
        if service_code is not None:
            condition &= models.Q(role_assignments__service_code__in=["", service_code])
        return self.get_queryset().filter(condition, is_active=True).distinct()

    def create_superuser(self, national_id, password=None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(national_id, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person. Applicants sign up themselves; staff are created by an administrator.

    Staff belong to one province and hold one or more `StaffRole`s; `is_staff` only means
    "may open the Django admin", which is for administrators.
    """

    national_id = models.CharField(_("national ID"), max_length=10, unique=True)
    first_name = PersianCharField(_("first name"), max_length=80)
    last_name = PersianCharField(_("last name"), max_length=80)
    mobile = models.CharField(_("mobile"), max_length=11, db_index=True)
    mobile_verified_at = models.DateTimeField(_("mobile confirmed at"), null=True, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    province = models.ForeignKey(
        Province, null=True, blank=True, on_delete=models.PROTECT, related_name="staff",
        verbose_name=_("province"), help_text=_("Staff only: the province whose cases this person handles."),
    )
    office = models.ForeignKey(
        Office, null=True, blank=True, on_delete=models.PROTECT, related_name="staff", verbose_name=_("office")
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(
        _("admin site access"), default=False, help_text=_("May open the administration site.")
    )
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "national_id"
    REQUIRED_FIELDS = ["first_name", "last_name", "mobile"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.get_full_name() or self.national_id

    def get_full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def get_short_name(self) -> str:
        return self.first_name

    # Roles are read many times per request; the (role, service code) pairs are cached on the instance.
    @property
    def role_pairs(self) -> frozenset[tuple[str, str]]:
        """(role, service code) for every assignment; "" as service code means every service."""
        cached = getattr(self, "_role_pairs", None)
        if cached is None:
            cached = frozenset(self.role_assignments.values_list("role", "service_code")) if self.pk else frozenset()
            self._role_pairs = cached
        return cached

    @property
    def role_set(self) -> frozenset[str]:
        """Every role the person holds, in any service (use `roles_for_service` for what counts on a case)."""
        return frozenset(role for role, _service in self.role_pairs)

    def roles_for_service(self, service_code: str) -> frozenset[str]:
        """The roles that count in one service: assigned for every service or for this one."""
        return frozenset(role for role, service in self.role_pairs if service in ("", service_code))

    def role_services(self, *roles: str) -> set[str] | None:
        """The services in which the person holds one of `roles`: None for every service, else the codes."""
        codes = {service for role, service in self.role_pairs if role in roles}
        return None if "" in codes else codes

    def has_role(self, *roles: str, service_code: str | None = None) -> bool:
        """Whether the person holds one of `roles` (in any service, or in the service given)."""
        held = self.role_set if service_code is None else self.roles_for_service(service_code)
        return bool(held.intersection(roles))

    def forget_roles(self) -> None:
        self.__dict__.pop("_role_pairs", None)

    @property
    def is_staff_member(self) -> bool:
        """Whether this person works for the organization (has any staff role)."""
        return bool(self.role_set) or self.is_superuser


class RoleAssignment(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_assignments", verbose_name=_("user"))
    role = models.CharField(_("role"), max_length=32, choices=StaffRole.choices)
    # A role is held in one service (an expert of service 4 is not an expert of service 2), or in every
    # service when blank (docs/adr/0011-per-service-roles.md).
    service_code = models.CharField(
        _("service"), max_length=60, blank=True, default="",
        help_text=_("The service (process code) in which the role counts; empty for every service."),
    )
    assigned_at = models.DateTimeField(_("assigned at"), auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "role", "service_code"], name="role_assignment_unique")]
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")

    def __str__(self) -> str:
        label = str(self.get_role_display())
        return f"{label} ({self.service_code})" if self.service_code else label


class OtpPurpose(models.TextChoices):
    SIGNUP = "signup", _("Sign-up")
    LOGIN = "login", _("Login second factor")
    PASSWORD_RESET = "password_reset", _("Password reset")
    LOGIN_UNLOCK = "login_unlock", _("Login while the account is locked")


class OneTimeCode(models.Model):
    """A code sent by SMS. Only its keyed hash is stored."""

    purpose = models.CharField(_("purpose"), max_length=20, choices=OtpPurpose.choices)
    mobile = models.CharField(_("mobile"), max_length=11)
    user = models.ForeignKey(User, null=True, blank=True, on_delete=models.CASCADE, related_name="+",
                             verbose_name=_("user"))
    code_hash = models.CharField(max_length=64, verbose_name=_("code hash"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"))
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    consumed_at = models.DateTimeField(_("used at"), null=True, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True, verbose_name=_("IP address"))

    class Meta:
        indexes = [models.Index(fields=["mobile", "purpose", "created_at"], name="otp_mobile_idx")]
        verbose_name = _("one-time code")
        verbose_name_plural = _("one-time codes")


class TotpDevice(models.Model):
    """A staff member's authenticator app (RFC 6238)."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="totp_device", verbose_name=_("user"))
    secret = models.CharField(max_length=64, verbose_name=_("secret"))
    confirmed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("confirmed at"))
    # The last accepted time step, so one code cannot be replayed within its 30-second window.
    last_used_step = models.BigIntegerField(default=0, verbose_name=_("last used time step"))

    class Meta:
        verbose_name = _("authenticator app")
        verbose_name_plural = _("authenticator apps")


class LoginAttempt(models.Model):
    """Every password check, kept for throttling and for the security audit."""

    national_id = models.CharField(max_length=10, db_index=True, verbose_name=_("national ID"))
    ip_address = models.GenericIPAddressField(null=True, blank=True, verbose_name=_("IP address"))
    succeeded = models.BooleanField(default=False, verbose_name=_("succeeded"))
    stage = models.CharField(max_length=20, default="password",
                             verbose_name=_("login stage"))  # "password", "second_factor" or "reset"
    created_at = models.DateTimeField(default=timezone.now, db_index=True, verbose_name=_("created at"))

    class Meta:
        indexes = [models.Index(fields=["ip_address", "created_at"], name="login_attempt_ip_idx")]
        verbose_name = _("login attempt")
        verbose_name_plural = _("login attempts")


# The counters live in their own module (khedmat/accounts/throttle.py); imported here so that the
# app registry and migrations see the model.
from khedmat.accounts.throttle import ThrottleCounter  # noqa: E402,F401
