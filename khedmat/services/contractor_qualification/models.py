from django.db import models
from django.utils.translation import gettext_lazy as _

from khedmat.core.fields import PersianCharField


class ContractingField(models.Model):
    """A field (رشته) of contracting or consulting work; reference data (SERVICES.md §10.1 #6, A16)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = PersianCharField(_("name"), max_length=100)
    ordering = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["ordering", "name"]
        verbose_name = _("field of work")
        verbose_name_plural = _("fields of work")

    def __str__(self) -> str:
        return self.name
