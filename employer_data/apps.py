from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EmployerDataConfig(AppConfig):
    name = "employer_data"
    verbose_name = _("事業主健診")
