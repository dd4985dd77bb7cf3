from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "lineofsight.api"
    label = "api"
    verbose_name = "REST API"

    def ready(self) -> None:
        # Webhook deliveries carry the API's own representation, read as their owner.
        from lineofsight.api.integrations.webhook_payloads import build
        from lineofsight.integrations.outbound import payloads

        payloads.install(build)
