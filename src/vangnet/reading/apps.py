from django.apps import AppConfig


class ReadingConfig(AppConfig):
    name = "vangnet.reading"
    label = "reading"
