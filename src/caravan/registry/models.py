"""The registry: regions, facilities, departments, people, techniques, equipment."""

from datetime import date

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from caravan.core.models import Organisation
from caravan.core.tree import TreeNode

from .vocab import EQUIPMENT, SPECIALTIES

SPOKEN_LANGUAGES = [
    ("en", _("English")),
    ("zh", _("Chinese")),
    ("fa", _("Persian")),
    ("ru", _("Russian")),
    ("kk", _("Kazakh")),
    ("vi", _("Vietnamese")),
    ("hi", _("Hindi")),
    ("ar", _("Arabic")),
    ("mn", _("Mongolian")),
    ("tg", _("Tajik")),
    ("bn", _("Bengali")),
    ("ur", _("Urdu")),
    ("fr", _("French")),
    ("bo", _("Tibetan")),
]
SPOKEN_LANGUAGE_CODES = frozenset(code for code, _label in SPOKEN_LANGUAGES)


class Region(TreeNode):
    """A country, province, district or commune, valid over a period.

    Regions merge: the absorbed region gets `valid_to` and `merged_into`, keeps
    its rows and its history, and counts toward its successor from that day.
    """

    class Level(models.IntegerChoices):
        COUNTRY = 0, _("Country")
        PROVINCE = 1, _("Province")
        DISTRICT = 2, _("District")
        COMMUNE = 3, _("Commune")

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_local = models.CharField(_("name in its own script"), max_length=200, blank=True)
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent region"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="children",
    )
    valid_from = models.DateField(_("valid from"), default=date(1900, 1, 1))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    merged_into = models.ForeignKey(
        "self", verbose_name=_("merged into"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="absorbed",
    )
    meets_commune_criteria = models.BooleanField(
        _("meets the national commune health criteria"), null=True, blank=True
    )
    search_text = models.TextField(editable=False, default="")

    class Meta:
        ordering = ["level", "name"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self) -> str:
        return self.name

    def is_valid_on(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day < self.valid_to)


class RegionPopulation(models.Model):
    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="populations")
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(1900), MaxValueValidator(2200)])
    population = models.BigIntegerField(_("population"), validators=[MinValueValidator(0)])

    class Meta:
        ordering = ["region", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["region", "year"], name="population_one_per_year"),
            models.CheckConstraint(condition=models.Q(population__gte=0), name="population_not_negative"),
        ]
        verbose_name = _("population")
        verbose_name_plural = _("populations")

    def __str__(self) -> str:
        return f"{self.region} {self.year}: {self.population}"


class Specialty(models.Model):
    code = models.SlugField(_("code"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        ordering = ["name"]
        verbose_name = _("specialty")
        verbose_name_plural = _("specialties")

    def __str__(self) -> str:
        return str(self.label)

    @property
    def label(self):
        return SPECIALTIES.get(self.code, self.name)


class Equipment(models.Model):
    code = models.SlugField(_("code"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        ordering = ["name"]
        verbose_name = _("equipment")
        verbose_name_plural = _("equipment")

    def __str__(self) -> str:
        return str(self.label)

    @property
    def label(self):
        return EQUIPMENT.get(self.code, self.name)


class TechnicalLevel(models.IntegerChoices):
    """The national technical list's levels; 1 is the highest."""

    CENTRAL = 1, _("Central")
    PROVINCIAL = 2, _("Provincial")
    DISTRICT = 3, _("District")
    COMMUNE = 4, _("Commune")


class Facility(models.Model):
    class Kind(models.TextChoices):
        GENERAL_HOSPITAL = "general_hospital", _("General hospital")
        SPECIALTY_HOSPITAL = "specialty_hospital", _("Specialty hospital")
        UNIVERSITY_HOSPITAL = "university_hospital", _("University hospital")
        CANCER_CENTRE = "cancer_centre", _("Cancer centre")
        MEDICAL_CENTRE = "medical_centre", _("Medical centre")
        HEALTH_STATION = "health_station", _("Commune health station")
        CLINIC = "clinic", _("Clinic")

    class Grade(models.TextChoices):
        SPECIAL = "special", _("Special grade")
        I = "I", _("Grade I")  # noqa: E741 - the grade is called I
        II = "II", _("Grade II")
        III = "III", _("Grade III")
        IV = "IV", _("Grade IV")
        UNGRADED = "none", _("Ungraded")

    class Ownership(models.TextChoices):
        PUBLIC = "public", _("Public")
        PRIVATE = "private", _("Private")

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_local = models.CharField(_("name in its own script"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    level = models.PositiveSmallIntegerField(_("technical level"), choices=TechnicalLevel.choices)
    grade = models.CharField(_("grade"), max_length=8, choices=Grade.choices, default=Grade.UNGRADED)
    ownership = models.CharField(_("ownership"), max_length=16, choices=Ownership.choices, default=Ownership.PUBLIC)
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="facilities"
    )
    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="facilities")
    beds = models.PositiveIntegerField(_("beds"), default=0)
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    has_emr = models.BooleanField(_("electronic medical records (EMR)"), default=False)
    has_his = models.BooleanField(_("hospital information system (HIS)"), default=False)
    has_pacs = models.BooleanField(_("imaging archive (RIS-PACS)"), default=False)
    languages = models.JSONField(_("languages spoken"), default=list, blank=True)
    foreign_patient_specialties = models.ManyToManyField(
        Specialty, verbose_name=_("ready for foreign patients in"), blank=True, related_name="ready_facilities"
    )
    search_text = models.TextField(editable=False, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("facility")
        verbose_name_plural = _("facilities")
        indexes = [
            models.Index(fields=["region", "name"]),
            models.Index(fields=["level", "name"]),
            # Lists are ordered (name, id): a page is read off this index instead of sorting every visible row.
            models.Index(fields=["name", "id"], name="facility_name_id_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(level__gte=1, level__lte=4), name="facility_level_known"),
        ]

    def __str__(self) -> str:
        return self.name


class Department(models.Model):
    facility = models.ForeignKey(Facility, on_delete=models.CASCADE, related_name="departments")
    name = models.CharField(_("name"), max_length=200)
    name_local = models.CharField(_("name in its own script"), max_length=200, blank=True)
    specialty = models.ForeignKey(
        Specialty, verbose_name=_("specialty"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    beds = models.PositiveIntegerField(_("beds"), default=0)

    class Meta:
        ordering = ["facility", "name"]
        constraints = [models.UniqueConstraint(fields=["facility", "name"], name="department_name_unique")]
        verbose_name = _("department")
        verbose_name_plural = _("departments")

    def __str__(self) -> str:
        return self.name


class FacilityEquipment(models.Model):
    facility = models.ForeignKey(Facility, on_delete=models.CASCADE, related_name="equipment")
    equipment = models.ForeignKey(Equipment, on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField(_("quantity"), default=1, validators=[MinValueValidator(1)])

    class Meta:
        constraints = [models.UniqueConstraint(fields=["facility", "equipment"], name="facility_equipment_unique")]
        verbose_name = _("equipment at a facility")
        verbose_name_plural = _("equipment at facilities")

    def __str__(self) -> str:
        return f"{self.equipment} × {self.quantity}"


class Practitioner(models.Model):
    class Sex(models.TextChoices):
        FEMALE = "female", _("Female")
        MALE = "male", _("Male")
        OTHER = "other", _("Other")

    class Title(models.TextChoices):
        SENIOR = "senior", _("Senior")
        ASSOCIATE_SENIOR = "associate_senior", _("Associate senior")
        INTERMEDIATE = "intermediate", _("Intermediate")
        JUNIOR = "junior", _("Junior")

    class Profession(models.TextChoices):
        DOCTOR = "doctor", _("Doctor")
        NURSE = "nurse", _("Nurse")
        TECHNICIAN = "technician", _("Medical technician")
        MANAGER = "manager", _("Hospital manager")
        PUBLIC_HEALTH = "public_health", _("Public health specialist")

    name = models.CharField(_("name in its own script"), max_length=200)
    name_latin = models.CharField(_("name in Latin letters"), max_length=200)
    sex = models.CharField(_("sex"), max_length=8, choices=Sex.choices)
    profession = models.CharField(_("profession"), max_length=16, choices=Profession.choices, default=Profession.DOCTOR)
    title = models.CharField(_("professional title"), max_length=20, choices=Title.choices)
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("home organisation"), on_delete=models.PROTECT, related_name="practitioners"
    )
    languages = models.JSONField(_("languages spoken"), default=list, blank=True)
    specialties = models.ManyToManyField(Specialty, verbose_name=_("specialties"), blank=True, related_name="+")
    qualifications = models.TextField(_("qualifications"), blank=True)
    search_text = models.TextField(editable=False, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name_latin", "id"]
        # Lists are ordered (name_latin, id): a page is read off this index instead of sorting every visible row.
        indexes = [models.Index(fields=["name_latin", "id"], name="practitioner_name_latin_id_idx")]
        verbose_name = _("practitioner")
        verbose_name_plural = _("practitioners")

    def __str__(self) -> str:
        return self.name if self.name == self.name_latin else f"{self.name} ({self.name_latin})"


class Appointment(models.Model):
    practitioner = models.ForeignKey(Practitioner, on_delete=models.CASCADE, related_name="appointments")
    facility = models.ForeignKey(Facility, verbose_name=_("facility"), on_delete=models.PROTECT, related_name="appointments")
    department = models.ForeignKey(
        Department, verbose_name=_("department"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    position = models.CharField(_("position"), max_length=200)
    start = models.DateField(_("start"))
    end = models.DateField(_("end"), null=True, blank=True)

    class Meta:
        ordering = ["-start"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__isnull=True) | models.Q(end__gte=models.F("start")),
                name="appointment_end_after_start",
            )
        ]
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")

    def __str__(self) -> str:
        return f"{self.practitioner} @ {self.facility}"

    def is_active_on(self, day: date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)


class Technique(models.Model):
    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_local = models.CharField(_("name in its own script"), max_length=200, blank=True)
    specialty = models.ForeignKey(Specialty, verbose_name=_("specialty"), on_delete=models.PROTECT, related_name="techniques")
    min_level = models.PositiveSmallIntegerField(
        _("lowest level assigned by the national list"), choices=TechnicalLevel.choices
    )
    cases_for_independence = models.PositiveIntegerField(
        _("successful cases needed for independence"), default=10, validators=[MinValueValidator(1)]
    )
    prerequisites = models.ManyToManyField(
        "self", verbose_name=_("prerequisite techniques"), symmetrical=False, blank=True, related_name="enables"
    )
    equipment_needed = models.ManyToManyField(Equipment, verbose_name=_("equipment needed"), blank=True, related_name="+")
    search_text = models.TextField(editable=False, default="")

    class Meta:
        ordering = ["code"]
        verbose_name = _("technique")
        verbose_name_plural = _("techniques")

    def __str__(self) -> str:
        return self.name
