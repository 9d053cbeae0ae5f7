from django.apps import AppConfig


class GuideConfig(AppConfig):
    name = "vangnet.guide"
    label = "guide"
