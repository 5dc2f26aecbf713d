from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GuidanceConfig(AppConfig):
    name = "guidance"
    verbose_name = _("特定保健指導")

    def ready(self) -> None:
        # The intake hands an upload's guidance files (g…xml, SPEC §9.6) to this app (checkups.upload_handlers)
        from checkups.upload_handlers import register_guidance_files_handler

        from .mhlw_import import guidance_files_receive

        register_guidance_files_handler(guidance_files_receive)
