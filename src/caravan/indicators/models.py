"""Indicators, their materialised values, data values entered for figures Caravan does not hold, pins."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from caravan.core.models import Network
from caravan.registry.models import Region

from .periods import KINDS, YEAR


class Indicator(models.Model):
    class Scope(models.TextChoices):
        REGION = "region", _("By region")
        PROGRAMME = "programme", _("By programme")

    class Factor(models.IntegerChoices):
        ONE = 1, _("× 1 (a count or a ratio)")
        PERCENT = 100, _("× 100 (a percentage)")
        PER_THOUSAND = 1000, _("× 1,000 (per 1,000)")
        PER_TEN_THOUSAND = 10_000, _("× 10,000 (per 10,000)")
        PER_HUNDRED_THOUSAND = 100_000, _("× 100,000 (per 100,000)")

    class Periodicity(models.TextChoices):
        YEAR = "year", _("Year")
        QUARTER = "quarter", _("Quarter")
        MONTH = "month", _("Month")

    code = models.SlugField(_("code"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    scope = models.CharField(_("computed"), max_length=16, choices=Scope.choices, default=Scope.REGION)
    numerator = models.CharField(_("numerator"), max_length=64)
    denominator = models.CharField(_("denominator"), max_length=64, blank=True)
    factor = models.PositiveIntegerField(_("factor"), choices=Factor.choices, default=Factor.ONE)
    unit = models.CharField(_("unit"), max_length=64, blank=True)
    decimals = models.PositiveSmallIntegerField(_("decimals"), default=1)
    periodicity = models.CharField(_("finest period"), max_length=8, choices=Periodicity.choices, default=YEAR)
    baseline = models.DateField(_("baseline"), null=True, blank=True,
                                help_text=_("Sources counted since a baseline start counting on this day."))
    builtin = models.BooleanField(default=False, editable=False)
    # A user-defined indicator belongs to its author's programme; built-in ones to everybody.
    network = models.ForeignKey(Network, verbose_name=_("programme"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-builtin", "code"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        constraints = [models.CheckConstraint(condition=Q(periodicity__in=KINDS), name="indicator_periodicity_known")]

    def __str__(self) -> str:
        return str(self.label)

    @property
    def label(self):
        from .catalogue import BUILTIN

        spec = BUILTIN.get(self.code) if self.builtin else None
        return spec.name if spec else self.name

    @property
    def explanation(self):
        from .catalogue import BUILTIN

        spec = BUILTIN.get(self.code) if self.builtin else None
        return spec.description if spec else self.description


class IndicatorValue(models.Model):
    """One materialised value: an indicator in a region (or programme) over a period. Rebuilt, never edited."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="values")
    # No index of their own: the region and network indexes below start with them, and every index more is
    # one more B-tree for a rebuild's millions of rows to update.
    region = models.ForeignKey(Region, null=True, blank=True, on_delete=models.CASCADE, related_name="+",
                               db_index=False)
    network = models.ForeignKey(Network, null=True, blank=True, on_delete=models.CASCADE, related_name="+",
                                db_index=False)
    period = models.CharField(max_length=8)
    period_kind = models.CharField(max_length=8)
    period_end = models.DateField()
    numerator = models.FloatField(null=True)
    denominator = models.FloatField(null=True)
    value = models.FloatField(null=True)

    class Meta:
        ordering = ["indicator", "period_end"]
        indexes = [
            models.Index(fields=["region", "period_kind", "period_end"], name="indicator_value_region_idx"),
            models.Index(fields=["network", "period_kind", "period_end"], name="indicator_value_network_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "region", "period"], condition=Q(region__isnull=False),
                                    name="indicator_value_one_per_region"),
            models.UniqueConstraint(fields=["indicator", "network", "period"], condition=Q(network__isnull=False),
                                    name="indicator_value_one_per_network"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id} · {self.region_id or self.network_id} · {self.period}: {self.value}"


class RebuildJob(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    values_written = models.PositiveIntegerField(default=0)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"rebuild {self.pk} ({self.status})"

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        return int(100 * self.done / self.total) if self.total else 0

    @property
    def is_working(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)


class DataValue(models.Model):
    """A figure Caravan does not hold (insured visits, …), entered or imported; it counts once approved."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting approval")
        APPROVED = "approved", _("Approved")

    element = models.CharField(_("data element"), max_length=64)
    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="+")
    period = models.CharField(_("period"), max_length=8)
    value = models.FloatField(_("value"))
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.PENDING)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["element", "region", "period"]
        constraints = [models.UniqueConstraint(fields=["element", "region", "period"], name="data_value_one_per_period")]
        # A rebuild reads one element's approved values for one period at a time.
        indexes = [models.Index(fields=["element", "period", "status"], name="data_value_period_idx")]
        verbose_name = _("data value")
        verbose_name_plural = _("data values")

    def __str__(self) -> str:
        return f"{self.element} · {self.region_id} · {self.period}: {self.value}"


class Pin(models.Model):
    """An indicator a user keeps on their home dashboard, for a region or a programme."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="+")
    region = models.ForeignKey(Region, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    network = models.ForeignKey(Network, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [models.UniqueConstraint(fields=["user", "indicator", "region", "network"], name="pin_once")]

    def __str__(self) -> str:
        return f"{self.user_id} · {self.indicator_id}"
