from django.apps import AppConfig


class EvidenceConfig(AppConfig):
    name = "waypost.evidence"
    label = "evidence"
