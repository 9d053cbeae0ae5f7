from django.apps import AppConfig


class CodingConfig(AppConfig):
    name = "vangnet.coding"
    label = "coding"
