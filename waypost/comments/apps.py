from django.apps import AppConfig


class CommentsConfig(AppConfig):
    name = "waypost.comments"
    label = "comments"
    verbose_name = "Readers' comments"
